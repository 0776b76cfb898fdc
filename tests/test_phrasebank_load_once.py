"""The phrasebank is parsed once at start-up (the tagger and its spaCy component both need it), yet an edited file
is still seen and one caller's copy cannot change another's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import coach.nlp.phrasebank as phrasebank
from coach.paths import PHRASEBANK_DIR


def _counting(monkeypatch) -> list[Path]:
    calls: list[Path] = []
    real = phrasebank._load_phrasebank

    def counted(directory: Path):
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(phrasebank, "_load_phrasebank", counted)
    return calls


def test_building_the_tagger_parses_the_phrasebank_once(monkeypatch, tagger) -> None:
    from coach.nlp.tagger import Tagger

    phrasebank._CACHE.clear()
    calls = _counting(monkeypatch)
    fresh = Tagger()
    assert len(calls) == 1
    assert set(fresh.entries) == set(tagger.entries)


def test_an_edited_file_is_seen_and_copies_are_separate(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "phrasebank"
    shutil.copytree(PHRASEBANK_DIR, folder)
    calls = _counting(monkeypatch)
    first, problems = phrasebank.load_phrasebank(folder)
    assert problems == []
    first["affirmation"].examples.append("changed by one caller")
    again, _ = phrasebank.load_phrasebank(folder)
    assert len(calls) == 1
    assert "changed by one caller" not in again["affirmation"].examples
    path = folder / "affirmation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("label:", "label: Edited", 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    edited, _ = phrasebank.load_phrasebank(folder)
    assert len(calls) == 2
    assert edited["affirmation"].label.startswith("Edited")
    (folder / "summary.yaml").unlink()
    fewer, _ = phrasebank.load_phrasebank(folder)
    assert "summary" not in fewer and len(calls) == 3
