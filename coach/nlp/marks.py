"""Danger and safety marks on reflection sentences: is a sentence evidence of risk to a child, or of protection?

Each sentence is compared by meaning (MiniLM) with the example sentences of prompts/reflection/linker/marks.yaml.
Sentence encoders barely notice negation: "there were no bruises" sits next to "there were bruises", so it would
be marked as danger. A negated sentence is therefore scored through its affirmative twin, with the negation
words taken out or turned round ("there were bruises", "somebody was watching the twins"), and the twin's two
scores are swapped: if the twin is danger evidence, the negated sentence is safety evidence and the other way
round. A negated sentence whose twin is about neither ("there was no parking") stays unmarked.

Measured on tests/data/marks_set.yaml by `python benchmarks/linker.py` (precision/recall per class)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MARK_TAGS = ("risk_evidence", "protective_evidence")

# Negation words and what the affirmative twin says instead ("" drops the word). Longer phrases first.
_NEGATIONS: tuple[tuple[str, str], ...] = (
    (r"\bno longer\b", "still"),
    (r"\bnot any (?:more|longer)\b", ""),
    (r"\bany ?more\b", ""),
    (r"\bno[- ]one\b", "someone"),
    (r"\bnobody\b", "somebody"),
    (r"\bnothing\b", "something"),
    (r"\bnone of\b", "some of"),
    (r"\bnever\b", ""),
    (r"\bwithout\b", "with"),
    (r"\bcan't\b|\bcannot\b", "can"),
    (r"\bwon't\b", "will"),
    (r"\bshan't\b", "shall"),
    (r"\b(\w+)n't\b", r"\1"),
    (r"\bnot\b", ""),
    (r"\bno\b", ""),
)
NEGATION_RE = re.compile(r"\b(?:no|not|never|nobody|nothing|none|without|no[- ]one|cannot)\b|n't\b", re.IGNORECASE)
# Clause boundaries: "He shook the baby when she would not stop crying" is danger through its first clause; the
# negation in the second must not turn the whole sentence round.
CLAUSE_RE = re.compile(
    r"\s*(?:[;,:]|\s-\s|\band\b|\bbut\b|\bwhile\b|\bwhen\b|\bbecause\b|\bso\b|\bdespite\b|\beven though\b|"
    r"\balthough\b|\bsince\b)\s*",
    re.IGNORECASE,
)
# Negations that are about the worker's own doing or knowing carry no risk either way ("I was not sure").
_SELF_RE = re.compile(r"^\W*(?:I|we)\b", re.IGNORECASE)


def affirmative(sentence: str) -> str:
    """The sentence with its negation taken out: "There were no bruises." -> "There were bruises."."""
    out = sentence
    for pattern, repl in _NEGATIONS:
        out = re.sub(pattern, repl, out, flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", out).strip()


def negated(sentence: str) -> bool:
    return bool(NEGATION_RE.search(sentence))


def units(sentence: str) -> list[str]:
    """What is scored for a sentence: the sentence itself unless it is negated, and its clauses of 3+ words."""
    parts = [p.strip() for p in CLAUSE_RE.split(sentence) if p and len(p.split()) >= 3]
    if len(parts) < 2:
        return [sentence]
    return ([] if negated(sentence) else [sentence]) + parts


class EvidenceMarker:
    """Marks sentences as risk (danger) or protective (safety) evidence by meaning (linker/marks.yaml)."""

    # Chosen on the even-numbered items of tests/data/marks_set.yaml (the odd ones are reported apart).
    MIN_SIM = 0.34
    MIN_GAP = 0.03
    ALONE_SIM = 0.50  # a sentence linked to no area needs to be this close to be marked

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray],
        background: Sequence[str] = (),
        *,
        negation: bool = True,
        path: Path | None = None,
    ) -> None:
        import numpy as np
        import yaml

        if path is None:
            from coach.paths import PROMPTS_DIR

            path = PROMPTS_DIR / "reflection" / "linker" / "marks.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                data = {}
        except (OSError, yaml.YAMLError):
            data = {}
        self._embed = embed
        self.negation = negation
        self._protos: dict[str, Any] = {}
        for tag in MARK_TAGS:
            lines = [str(x) for x in data.get(tag, None) or [] if str(x).strip()]
            self._protos[tag] = embed(lines) if lines else np.zeros((0, 384), dtype=np.float32)
        self._background = embed(list(background)) if background else np.zeros((0, 384), dtype=np.float32)

    def _scores(self, vec: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(risk, safe, background) similarities of embedded sentences."""
        import numpy as np

        out = []
        for tag in MARK_TAGS:
            protos = self._protos[tag]
            if len(protos) == 0:
                out.append(np.zeros(len(vec)))
                continue
            sims = np.sort(vec @ protos.T, axis=1)[:, ::-1]
            out.append(sims[:, : min(2, sims.shape[1])].mean(axis=1))
        bg = (vec @ self._background.T).max(axis=1) if len(self._background) else np.zeros(len(vec))
        return out[0], out[1], bg

    def mark(self, sentences: Sequence[str], linked: Sequence[bool] | None = None) -> list[tuple[str, float] | None]:
        """For each sentence, (tag, score) or None. `linked[i]`: the sentence is evidence about some area."""
        if not sentences:
            return []
        sentences = list(sentences)
        owner: list[int] = []
        flip: list[bool] = []
        twins: list[str] = []
        for i, sent in enumerate(sentences):
            for unit in units(sent) if self.negation else [sent]:
                f = self.negation and negated(unit) and not _SELF_RE.match(sent)
                owner.append(i)
                flip.append(f)
                twins.append(affirmative(unit) if f else unit)
        u_risk, u_safe, u_bg = self._scores(self._embed(twins))
        risk = [0.0] * len(sentences)
        safe = [0.0] * len(sentences)
        bg = [0.0] * len(sentences)
        for k, i in enumerate(owner):
            r, s = float(u_risk[k]), float(u_safe[k])
            if flip[k]:
                r, s = s, r
            risk[i], safe[i], bg[i] = max(risk[i], r), max(safe[i], s), max(bg[i], float(u_bg[k]))
        out: list[tuple[str, float] | None] = []
        for i in range(len(sentences)):
            r, s = risk[i], safe[i]
            tag, best, other = ("risk_evidence", r, s) if r >= s else ("protective_evidence", s, r)
            is_linked = True if linked is None else bool(linked[i])
            ok = best >= self.MIN_SIM and best - other >= self.MIN_GAP and best > float(bg[i])
            out.append((tag, best) if ok and (is_linked or best >= self.ALONE_SIM) else None)
        return out


LABELS = {"danger": "risk_evidence", "safety": "protective_evidence", "neither": None}


def load_marks_set(path: str | Path) -> list[tuple[str, str | None]]:
    """(sentence, tag or None) pairs from a file like tests/data/marks_set.yaml."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [(str(s), tag) for key, tag in LABELS.items() for s in data.get(key, []) or []]


def evaluate_marks(marker: EvidenceMarker, items: Sequence[tuple[str, str | None]]) -> dict[str, dict[str, float]]:
    """Precision and recall per mark (sentences scored as linked to an area, the marker's lenient case)."""
    marks = marker.mark([s for s, _ in items])
    result: dict[str, dict[str, float]] = {}
    for tag in MARK_TAGS:
        pred = [m is not None and m[0] == tag for m in marks]
        gold = [g == tag for _, g in items]
        tp = sum(p and g for p, g in zip(pred, gold, strict=True))
        n_pred, n_gold = sum(pred), sum(gold)
        result[tag] = {
            "precision": tp / n_pred if n_pred else 0.0,
            "recall": tp / n_gold if n_gold else 0.0,
            "tp": tp,
            "predicted": n_pred,
            "gold": n_gold,
        }
    return result
