"""`coach rehearse`: --list, a headless script run with --json stored like the TUI, and bad input storing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.services.scenarios import load_scenarios

SCRIPTS = Path(__file__).parent / "data" / "scripts"


def _coach(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, COACH_HOME=str(home), HF_HUB_OFFLINE="1")
    env.pop("COACH_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def _rehearsal_count(url: str) -> int:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        if "rehearsals" not in inspect(engine).get_table_names():
            return 0
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM rehearsals")).scalar_one())
    finally:
        engine.dispose()


def test_list_prints_id_tab_title(tmp_path: Path) -> None:
    proc = _coach("rehearse", "--list", home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    scenarios, _ = load_scenarios()
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert rows == [[s.id, s.title] for s in scenarios.values()]


@pytest.mark.parametrize(
    ("content", "scenario", "message"),
    [
        (b"Hello\n", "no-such-scenario", "There is no scenario 'no-such-scenario'"),
        (b"", "drinking-toddler", "has no lines to say"),
        (b"\n  \n# only a comment\n", "drinking-toddler", "has no lines to say"),
        (b"\x7fELF\x00\x00binary", "drinking-toddler", "looks like a binary file"),
        (b"caf\xe9\n", "drinking-toddler", "is not UTF-8 text"),
    ],
)
def test_bad_input_gives_a_message_and_stores_nothing(
    tmp_path: Path, content: bytes, scenario: str, message: str
) -> None:
    script = tmp_path / "script.txt"
    script.write_bytes(content)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = _coach("rehearse", "--scenario", scenario, "--script", str(script), "--json", "--db", url, home=tmp_path)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _rehearsal_count(url) == 0


def test_missing_script_and_missing_arguments(tmp_path: Path) -> None:
    proc = _coach("rehearse", "--scenario", "drinking-toddler", "--script", str(tmp_path / "nope.txt"), home=tmp_path)
    assert proc.returncode != 0 and "does not exist" in proc.stderr
    proc = _coach("rehearse", "--scenario", "drinking-toddler", home=tmp_path)
    assert proc.returncode != 0 and "--script" in proc.stderr


def test_json_run_is_stored_like_the_tui(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    script = SCRIPTS / "drinking-toddler.mi.txt"
    proc = _coach(
        "rehearse",
        "--scenario",
        "drinking-toddler",
        "--script",
        str(script),
        "--seed",
        "4",
        "--json",
        "--db",
        url,
        home=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["rehearsal_id"] == 1
    speakers = [t["speaker"] for t in doc["turns"]]
    assert speakers[0] == "persona" and speakers[1] == "practitioner"
    assert all(a != b for a, b in zip(speakers, speakers[1:], strict=False))
    for turn in doc["turns"]:
        assert 0 <= turn["state"]["trust"] <= 10 and 0 <= turn["state"]["resistance"] <= 10
        assert isinstance(turn["techniques"], list)
    assert any(t["techniques"] for t in doc["turns"] if t["speaker"] == "practitioner")
    card = doc["scorecard"]
    assert {"metrics", "techniques", "talk", "key_moments", "practise_next"} <= set(card)
    assert len(card["key_moments"]) <= 3

    from coach.services.rehearsal import RehearsalService
    from coach.store.db import Store

    store = Store.open(url)
    stored = RehearsalService(store).get(doc["rehearsal_id"])
    store.dispose()
    assert stored.status == "ended" and stored.scorecard == card
    assert [t.text for t in stored.turns] == [t["text"] for t in doc["turns"]]
