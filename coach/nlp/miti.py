"""MITI-style summary scores over a sequence of tagged practitioner utterances, rated against TECHNIQUES.md.

Why: rehearsal scorecards, mentor trends and drills all show the same figures (R:Q, % complex reflections, % open
questions, MI-adherent and MI-non-adherent totals), so they are computed once here. Questions and reflections are
counted per turn from the coarse behaviour (MITI codes at most one of each per turn; summaries count as
reflections); complex and open shares come from the technique tags. Zero denominators give None, never an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# (fair, good) thresholds: MITI 4.2.1 for R:Q and % complex (TECHNIQUES.md); % open questions from MITI 3.1.1.
THRESHOLDS = {"r_to_q": (1.0, 2.0), "pct_complex": (40.0, 50.0), "pct_open": (50.0, 70.0)}
ADHERENT = ("seeking_collaboration", "affirmation", "emphasizing_autonomy")
NON_ADHERENT = ("confrontation", "persuasion")


def rate(metric: str, value: float | None) -> str | None:
    """'good', 'fair' or 'below fair' against the thresholds; None when the value or thresholds are missing."""
    if value is None or metric not in THRESHOLDS:
        return None
    fair, good = THRESHOLDS[metric]
    if value >= good:
        return "good"
    if value >= fair:
        return "fair"
    return "below fair"


@dataclass
class MitiSummary:
    """The summary scores; ratios are None when their denominator is zero."""

    questions: int = 0
    reflections: int = 0
    simple: int = 0
    complex: int = 0
    open: int = 0
    closed: int = 0
    adherent: int = 0
    non_adherent: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    behaviours: dict[str, int] = field(default_factory=dict)
    talk: dict[str, int] = field(default_factory=dict)

    @property
    def r_to_q(self) -> float | None:
        return self.reflections / self.questions if self.questions else None

    @property
    def pct_complex(self) -> float | None:
        total = self.simple + self.complex
        return 100.0 * self.complex / total if total else None

    @property
    def pct_open(self) -> float | None:
        total = self.open + self.closed
        return 100.0 * self.open / total if total else None

    def ratings(self) -> dict[str, str | None]:
        return {m: rate(m, getattr(self, m)) for m in THRESHOLDS}

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "reflections": self.reflections,
            "r_to_q": self.r_to_q,
            "pct_complex": self.pct_complex,
            "pct_open": self.pct_open,
            "mi_adherent": self.adherent,
            "mi_non_adherent": self.non_adherent,
            "counts": dict(self.counts),
            "behaviours": dict(self.behaviours),
            "talk": dict(self.talk),
            "ratings": self.ratings(),
        }


def summarise(results: Iterable[Any]) -> MitiSummary:
    """Summary over TagResults (any objects with behaviour, talk, techniques[].tag, error); errors are skipped."""
    counts: Counter[str] = Counter()
    behaviours: Counter[str] = Counter()
    talk: Counter[str] = Counter()
    for r in results:
        if getattr(r, "error", None):
            continue
        tags = [h.tag for h in getattr(r, "techniques", []) or []]
        counts.update(tags)
        if getattr(r, "behaviour", None):
            behaviours[r.behaviour] += 1
        if getattr(r, "talk", None):
            talk[r.talk] += 1
    return MitiSummary(
        questions=behaviours["question"],
        reflections=behaviours["reflection"],
        simple=counts["simple_reflection"],
        complex=counts["complex_reflection"],
        open=counts["open_question"],
        closed=counts["closed_question"],
        adherent=sum(counts[t] for t in ADHERENT),
        non_adherent=sum(counts[t] for t in NON_ADHERENT),
        counts=dict(counts),
        behaviours=dict(behaviours),
        talk=dict(talk),
    )
