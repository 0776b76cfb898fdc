"""Inference for the small trained classifiers (behaviour, talk, open/closed, simple/complex) in plain numpy.

Why: the weights are trained with scikit-learn in coach.nlp.train but shipped as a plain .npz (no pickle, nothing
executable), and inference is a standardise + matrix product + temperature-scaled softmax, which costs microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).parent / "weights" / "heads.npz"
HEADS = ("behaviour", "talk", "question", "reflection", "technique")


@dataclass
class Head:
    """One multinomial logistic-regression head with its standardisation and calibration temperature."""

    name: str
    classes: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray
    temperature: float = 1.0

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Uncalibrated class scores (temperature 1), rows of x are feature vectors."""
        return ((x - self.mean) / self.scale) @ self.coef.T + self.intercept

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities, rows of x are feature vectors."""
        z = self.logits(x)
        if z.shape[1] == 1:  # binary head stored as one logit
            z = np.hstack([-z / 2, z / 2])
        z = z / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def arrays(self) -> dict[str, np.ndarray]:
        p = self.name
        return {
            f"{p}__classes": np.asarray(self.classes),
            f"{p}__mean": self.mean.astype(np.float32),
            f"{p}__scale": self.scale.astype(np.float32),
            f"{p}__coef": self.coef.astype(np.float32),
            f"{p}__intercept": self.intercept.astype(np.float32),
            f"{p}__temperature": np.asarray([self.temperature], dtype=np.float32),
        }


def save_heads(heads: dict[str, Head], path: Path = WEIGHTS, meta: dict | None = None) -> None:
    """Write heads to a .npz (arrays only; loaded with allow_pickle=False)."""
    import json

    arrays: dict[str, np.ndarray] = {}
    for head in heads.values():
        arrays.update(head.arrays())
    arrays["meta"] = np.asarray(json.dumps(meta or {}))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)


def load_heads(path: Path = WEIGHTS) -> dict[str, Head]:
    """Heads from the committed weights file; empty dict when it is absent (rules and phrasebank still work)."""
    import zipfile

    from coach.errors import CoachError
    from coach.nlp import features

    if not path.exists():
        return {}
    retrain = "retrain them with: python -m coach.nlp.train --annomi PATH/AnnoMI-full-dev.csv"
    try:
        data = np.load(path, allow_pickle=False)
        arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CoachError(f"The classifier weights {path} cannot be read ({exc}); {retrain}") from None
    # The width each head's features have today: a file from before a feature change would otherwise fail deep in
    # numpy on the first utterance.
    widths = {name: features.N_FEATURES for name in HEADS} | {"technique": features.DIM + features.N_FORM}
    heads: dict[str, Head] = {}
    for name in HEADS:
        if f"{name}__coef" not in arrays:
            continue
        width = arrays[f"{name}__coef"].shape[-1]
        if width != widths[name] or arrays[f"{name}__mean"].shape[-1] != width:
            raise CoachError(
                f"The classifier weights {path} were trained on other features ({name}: {width} columns, "
                f"coach makes {widths[name]}); {retrain}"
            )
        heads[name] = Head(
            name=name,
            classes=[str(c) for c in arrays[f"{name}__classes"]],
            mean=arrays[f"{name}__mean"],
            scale=arrays[f"{name}__scale"],
            coef=arrays[f"{name}__coef"],
            intercept=arrays[f"{name}__intercept"],
            temperature=float(arrays[f"{name}__temperature"][0]),
        )
    return heads
