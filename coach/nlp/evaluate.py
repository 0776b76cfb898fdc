"""Transcript-level (grouped) cross-validation of the trained heads on an AnnoMI CSV, for `coach eval annomi`.

Why: the only honest accuracy figure is on transcripts the model has never seen, so every fold retrains the heads
on the other transcripts (embeddings are computed once per run and cached) and scores the held-out ones. Each fold
builds its head with the same function as `coach.nlp.train` (fit_calibrated), so the calibration and class offsets
are chosen on that fold's training transcripts only and the figure is that of the model `train` ships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coach.errors import CoachError


@dataclass
class HeadReport:
    """Scores of one head over all folds (predictions pooled)."""

    name: str
    classes: list[str]
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray  # rows: truth, columns: prediction
    fold_macro_f1: list[float] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"{self.name}: macro-F1 {self.macro_f1:.3f} (folds: {', '.join(f'{v:.3f}' for v in self.fold_macro_f1)})"
        ]
        lines += [f"  F1 {c:<10} {self.per_class_f1[c]:.3f}" for c in self.classes]
        width = max(len(c) for c in self.classes) + 2
        lines.append("  confusion (rows = truth, columns = predicted)")
        lines.append("  " + " " * width + "".join(f"{c:>{width}}" for c in self.classes))
        for c, row in zip(self.classes, self.confusion, strict=False):
            lines.append("  " + f"{c:<{width}}" + "".join(f"{int(v):>{width}}" for v in row))
        return "\n".join(lines)


def cross_validate(
    path: Path, folds: int = 5, heads: tuple[str, ...] = ("behaviour", "talk", "question", "reflection")
) -> list[HeadReport]:
    """Grouped k-fold by transcript; returns one report per head."""
    from sklearn.metrics import confusion_matrix, f1_score
    from sklearn.model_selection import GroupKFold

    from coach.nlp.train import corpus_features, fit_calibrated, head_rows, read_annomi

    if folds < 2:
        raise CoachError("--folds must be at least 2.")
    corpus = read_annomi(Path(path))
    n_groups = len(set(corpus.groups.tolist()))
    if n_groups < folds:
        word = "transcript" if n_groups == 1 else "transcripts"
        raise CoachError(f"{path} has {n_groups} {word}; cannot make {folds} folds.")
    x = corpus_features(corpus)
    reports = []
    for name in heads:
        idx = head_rows(corpus, name)
        y = np.asarray([corpus.labels[name][i] for i in idx])
        classes = sorted(set(y))
        pred = np.empty(len(idx), dtype=object)
        fold_scores = []
        for tr, te in GroupKFold(n_splits=folds).split(idx, y, corpus.groups[idx]):
            h = fit_calibrated(name, x[idx[tr]], y[tr], corpus.groups[idx[tr]], folds)
            p = h.proba(x[idx[te]])
            pred[te] = np.asarray(h.classes)[p.argmax(axis=1)]
            fold_scores.append(
                float(f1_score(y[te], pred[te].astype(str), labels=classes, average="macro", zero_division=0))
            )
        pred = pred.astype(str)
        f1s = f1_score(y, pred, labels=classes, average=None, zero_division=0)
        reports.append(
            HeadReport(
                name=name,
                classes=classes,
                macro_f1=float(np.mean(f1s)),
                per_class_f1={c: float(v) for c, v in zip(classes, f1s, strict=False)},
                confusion=confusion_matrix(y, pred, labels=classes),
                fold_macro_f1=fold_scores,
            )
        )
    return reports
