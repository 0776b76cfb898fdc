"""Danger / safety marks on reflection sentences: negation turns the mark round, accuracy on the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.nlp.linker import Linker
from coach.nlp.marks import EvidenceMarker, affirmative, evaluate_marks, load_marks_set, negated

SET = Path(__file__).parent / "data" / "marks_set.yaml"


@pytest.fixture(scope="module")
def marker(tagger) -> EvidenceMarker:
    linker = Linker(tagger)
    return EvidenceMarker(linker.embed, linker.background())


def _tag(marker: EvidenceMarker, sentence: str) -> str | None:
    mark = marker.mark([sentence])[0]
    return mark[0] if mark else None


def test_affirmative_twin_takes_the_negation_out() -> None:
    assert affirmative("There were no bruises on his arms.") == "There were bruises on his arms."
    assert affirmative("Nobody was watching the baby.") == "somebody was watching the baby."
    assert affirmative("She hasn't had a drink since May.") == "She has had a drink since May."
    assert negated("He never came back.")
    assert not negated("The house was clean and warm.")


def test_negation_turns_the_mark_round(marker: EvidenceMarker) -> None:
    assert _tag(marker, "There was no food in the fridge.") == "risk_evidence"
    assert _tag(marker, "There was food in the fridge.") == "protective_evidence"
    assert _tag(marker, "There were no bruises on the baby.") == "protective_evidence"
    assert _tag(marker, "There were bruises on the baby's legs.") == "risk_evidence"


def test_small_talk_and_the_workers_own_negations_are_not_marked(marker: EvidenceMarker) -> None:
    assert _tag(marker, "We had a cup of tea in the kitchen.") is None
    assert _tag(marker, "I was not sure how to start the conversation.") is None
    assert marker.mark([]) == []


def test_unlinked_sentence_needs_a_closer_match(marker: EvidenceMarker) -> None:
    sentence = "The stair gate is fitted and was closed."
    linked = marker.mark([sentence], [True])[0]
    alone = marker.mark([sentence], [False])[0]
    assert alone is None or (linked is not None and alone[1] >= marker.ALONE_SIM)


def test_broken_examples_file_marks_nothing_and_does_not_crash(tmp_path: Path, marker: EvidenceMarker) -> None:
    bad = tmp_path / "marks.yaml"
    bad.write_text("risk_evidence: [unclosed\n", encoding="utf-8")
    empty = EvidenceMarker(marker._embed, path=bad)
    assert empty.mark(["There were bruises on the baby's legs."]) == [None]


def test_marks_set_is_big_and_balanced() -> None:
    items = load_marks_set(SET)
    assert len(items) >= 120
    for tag in ("risk_evidence", "protective_evidence", None):
        part = [s for s, g in items if g == tag]
        assert len(part) >= 40
        assert sum(1 for s in part if negated(s)) >= 8, tag  # negated sentences in every class


def test_accuracy_per_class(marker: EvidenceMarker) -> None:
    """Thresholds were chosen on the even items; the figures hold on the whole set (python benchmarks/linker.py)."""
    result = evaluate_marks(marker, load_marks_set(SET))
    # Measured: risk P 0.812 R 0.578, protective P 0.842 R 0.711 (whole set; odd half 0.875/0.636, 0.850/0.739).
    assert result["risk_evidence"]["precision"] >= 0.75, result
    assert result["risk_evidence"]["recall"] >= 0.50, result
    assert result["protective_evidence"]["precision"] >= 0.75, result
    assert result["protective_evidence"]["recall"] >= 0.65, result
