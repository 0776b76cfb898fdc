"""The phrasebank loader accepts any subset of files and names each broken one (no models needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from coach.nlp.phrasebank import load_phrasebank
from coach.paths import PHRASEBANK_DIR


def test_real_phrasebank_loads() -> None:
    entries, problems = load_phrasebank()
    assert not problems, problems
    assert entries, "no phrasebank files found"
    for entry in entries.values():
        assert entry.examples and entry.speaker in {"practitioner", "family"}


def test_subset_and_broken_files(tmp_path: Path) -> None:
    some = sorted(PHRASEBANK_DIR.glob("*.yaml"))[2:4]
    for path in some:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "summary.yaml").write_text("id: summary\nexamples: [\n", encoding="utf-8")
    (tmp_path / "affirmation.yaml").write_text("id: open_question\nexamples: [Hi]\n", encoding="utf-8")
    (tmp_path / "persuasion.yaml").write_text("id: persuasion\nexamples: [ok]\npatterns: [oops]\n", encoding="utf-8")
    entries, problems = load_phrasebank(tmp_path)
    assert set(entries) == {p.stem for p in some}
    joined = "\n".join(problems)
    assert "summary.yaml" in joined and "affirmation.yaml" in joined and "persuasion.yaml" in joined
    assert len(problems) == 3


def test_missing_folder(tmp_path: Path) -> None:
    entries, problems = load_phrasebank(tmp_path / "none")
    assert entries == {} and "not found" in problems[0]


def test_lemma_and_unknown_pattern_keys_are_refused_by_name(tmp_path: Path) -> None:
    """The tagger runs spaCy without its lemmatiser: a LEMMA pattern would never match, so the loader says so."""
    (tmp_path / "bottom_line.yaml").write_text(
        "id: bottom_line\nexamples: [ok]\npatterns: [[{LEMMA: must}]]\n", encoding="utf-8"
    )
    (tmp_path / "summary.yaml").write_text("id: summary\nexamples: [ok]\npatterns: [[{SHAPE: Xx}]]\n", encoding="utf-8")
    (tmp_path / "scaling_question.yaml").write_text(
        "id: scaling_question\nexamples: [ok]\npatterns: [[{LOWER: {IN: [scale]}}, {IS_DIGIT: true, OP: '?'}]]\n",
        encoding="utf-8",
    )
    entries, problems = load_phrasebank(tmp_path)
    assert set(entries) == {"scaling_question"}
    text = " | ".join(problems)
    assert "bottom_line.yaml: pattern 1: LEMMA is not supported" in text and "LOWER" in text
    assert "summary.yaml: pattern 1: unknown key 'SHAPE'" in text
