"""MITI summary metrics on hand-computed examples (no models needed: TagResults are built by hand)."""

from __future__ import annotations

import pytest

from coach.nlp.miti import rate, summarise
from coach.nlp.tagger import TagResult, TechniqueHit


def _r(behaviour: str | None, *tags: str, talk: str | None = None, error: str | None = None) -> TagResult:
    return TagResult(
        behaviour=behaviour, talk=talk, techniques=[TechniqueHit(t, 0.9, 0, 1, "test") for t in tags], error=error
    )


def test_hand_computed_session() -> None:
    results = [
        _r("question", "open_question"),
        _r("question", "closed_question"),
        _r("question", "open_question"),
        _r("reflection", "complex_reflection"),
        _r("reflection", "simple_reflection"),
        _r("reflection", "complex_reflection"),
        _r("reflection", "summary"),
        _r("other", "affirmation", "emphasizing_autonomy"),
        _r("input", "persuasion"),
        _r("question", "seeking_collaboration"),
        _r(None, "change_talk", talk="change"),
        _r(None, error="too long"),
    ]
    s = summarise(results)
    assert s.questions == 4 and s.reflections == 4
    assert s.r_to_q == pytest.approx(1.0)
    assert s.pct_complex == pytest.approx(100 * 2 / 3)
    assert s.pct_open == pytest.approx(100 * 2 / 3)
    assert s.adherent == 3  # affirmation + autonomy + seeking collaboration
    assert s.non_adherent == 1
    assert s.counts["open_question"] == 2 and s.talk == {"change": 1}
    assert s.ratings() == {"r_to_q": "fair", "pct_complex": "good", "pct_open": "fair"}


def test_zero_division_gives_none() -> None:
    s = summarise([])
    assert s.r_to_q is None and s.pct_complex is None and s.pct_open is None
    assert s.ratings() == {"r_to_q": None, "pct_complex": None, "pct_open": None}
    only_reflections = summarise([_r("reflection", "simple_reflection")])
    assert only_reflections.r_to_q is None and only_reflections.pct_complex == 0.0
    assert only_reflections.to_json()["ratings"]["pct_complex"] == "below fair"


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("r_to_q", 0.99, "below fair"),
        ("r_to_q", 1.0, "fair"),
        ("r_to_q", 2.0, "good"),
        ("pct_complex", 39.9, "below fair"),
        ("pct_complex", 40.0, "fair"),
        ("pct_complex", 50.0, "good"),
        ("pct_open", None, None),
        ("unknown", 3.0, None),
    ],
)
def test_thresholds(metric: str, value: float | None, expected: str | None) -> None:
    assert rate(metric, value) == expected
