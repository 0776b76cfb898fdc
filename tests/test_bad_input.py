"""Bad input anywhere gets a clear message and changes nothing; no traceback reaches a user.

TUI: text that looks like Textual markup ("[/x]") in a case reference, an area, a form field or a message is shown
as typed. CLI: see the tests below (real SQLite files, the real PostgreSQL server where the case needs it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_helpers import run_cli
from textual.widgets import OptionList, Static

from coach.paths import SESSIONS_DIR
from coach.services import cases
from coach.tui.app import CoachApp


def _frame(app: CoachApp) -> str:
    return re.sub(r"<[^>]+>", "", app.export_screenshot()).replace("&#160;", " ")


async def test_markup_like_text_is_shown_as_typed_in_the_cases_screen(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "[/x]", summary="[/y]", areas=[("[/t] drinking", "[/c]", "[/g]")])
        cases.add_reading(app.store, case.areas[0].id, "2026-11-01", 4, by_whom="[/w]", note="[/n]")
        app.push_screen("cases")
        await pilot.pause(0.5)
        screen = app.screen
        assert screen.query_one("#case-list", OptionList).option_count == 1
        frame = _frame(app)
        assert "[/x]" in frame and "\\[" not in frame
        assert "[/t] drinking" in frame
        # The reading form: a score that is not a number gives the form's message, with the text as typed.
        await pilot.press("r")
        await pilot.pause(0.3)
        await pilot.press(*"[/q]", "ctrl+s")
        await pilot.pause(0.3)
        error = app.screen.query_one("#form-error", Static)
        assert "[/q]" in str(error.render()) and "1 to 10" in str(error.render())
        assert "[/q]" in _frame(app)  # scrolled into view at 80x24
        await pilot.press("escape")
        # A new case whose reference is taken: the message names it as typed; a new one is created and announced.
        await pilot.press("n")
        await pilot.pause(0.3)
        await pilot.press(*"[/x]", "ctrl+s")
        await pilot.pause(0.3)
        assert "[/x]" in str(app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause(0.3)
        await pilot.press(*"[/z]", "ctrl+s")
        await pilot.pause(0.5)
        assert app.is_running and app.screen is screen
        assert any("[/z]" in str(n.message) for n in app._notifications)
        assert [c.reference for c in cases.list_cases(app.store)] == ["[/x]", "[/z]"]


# ---- the command line -------------------------------------------------------------------------------------------
def _clear_failure(code: int, err: str) -> None:
    assert code != 0
    assert err.startswith("coach: ") or "Error:" in err, err
    assert "Traceback" not in err and "unexpected error" not in err, err


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_not_silently_forgotten(url: str, capsys) -> None:
    code, out, err = run_cli(["--db", url, "import", str(SESSIONS_DIR / "demo.json")], capsys)
    _clear_failure(code, err)
    assert "in-memory database: nothing would be kept" in err and "Imported" not in out


def test_a_database_coach_has_no_driver_for_names_the_ones_it_has(capsys) -> None:
    code, _, err = run_cli(["--db", "mysql://user@localhost/coach", "case", "list"], capsys)
    _clear_failure(code, err)
    assert "SQLite" in err and "PostgreSQL" in err


def test_a_connect_timeout_that_is_not_a_number_is_named(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COACH_DB_CONNECT_TIMEOUT", "soon")
    code, _, err = run_cli(["--db", "postgresql://postgres@127.0.0.1:5999/x", "case", "list"], capsys)
    _clear_failure(code, err)
    assert "COACH_DB_CONNECT_TIMEOUT must be a number of seconds, got 'soon'" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"db = 5\n", "db must be text in quotes"),
        (b'practitioner = ["Alaw"]\n', "practitioner must be text in quotes"),
        (bytes(range(128, 256)) * 8, "it is not UTF-8 text"),
        (b"db = [unclosed\n", "Cannot read the config file"),
    ],
    ids=["db-number", "practitioner-list", "binary", "malformed"],
)
def test_a_broken_config_file_is_named_with_what_is_wrong(content: bytes, expected: str, _isolated_home, capsys):
    config = _isolated_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_bytes(content)
    code, _, err = run_cli(["case", "list"], capsys)
    _clear_failure(code, err)
    assert str(config) in err and expected in err


def test_eval_annomi_names_a_folder_a_binary_file_and_too_few_folds(tmp_path: Path, capsys) -> None:
    code, out, err = run_cli(["eval", "annomi", str(tmp_path)], capsys)
    _clear_failure(code, err)
    assert "is a folder" in err and out == ""
    binary = tmp_path / "annomi.csv"
    binary.write_bytes(b"\x00\x9f\x92\x96" * 1000)
    code, out, err = run_cli(["eval", "annomi", str(binary)], capsys)
    _clear_failure(code, err)
    assert "is not a text file" in err and out == ""
    text = tmp_path / "tiny.csv"
    text.write_text("interlocutor,transcript_id,utterance_id,utterance_text\ntherapist,1,0,Hello\n", encoding="utf-8")
    code, out, err = run_cli(["eval", "annomi", str(text), "--folds", "1"], capsys)
    _clear_failure(code, err)
    assert "--folds must be at least 2" in err and out == ""


@contextmanager
def immutable(path: Path):
    """chattr +i: not even root may write (tests run as root here, so chmod alone would not stop a write)."""
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_unwritable_home_gives_a_clear_message(_isolated_home: Path, capsys) -> None:
    with immutable(_isolated_home):
        for args in (["import", str(SESSIONS_DIR / "demo.json")], ["demo", "--no-tui"], ["case", "list"]):
            code, _, err = run_cli(args, capsys)
            _clear_failure(code, err)
            assert "Cannot create the database file" in err
    assert not (_isolated_home / "data").exists()


def test_a_read_only_database_file_gives_a_clear_message_and_keeps_its_data(_isolated_home: Path, capsys) -> None:
    code, _, err = run_cli(["demo", "--no-tui"], capsys)
    assert code == 0, err
    db = _isolated_home / "data" / "coach.db"
    script = _isolated_home / "script.txt"
    script.write_text("How has the week been?\n", encoding="utf-8")
    with immutable(db):
        code, out, err = run_cli(["case", "report", "GW-2026-014"], capsys)  # reading still works
        assert code == 0 and "GW-2026-014" in out
        code, _, err = run_cli(["rehearse", "--scenario", "drinking-toddler", "--script", str(script)], capsys)
        _clear_failure(code, err)
        assert "cannot be written" in err
    code, out, _ = run_cli(["export", "-"], capsys)
    assert code == 0 and len(json.loads(out)["rehearsals"]) == 1  # the demo's one rehearsal, nothing added


def test_link_names_a_text_too_long_to_link_and_goes_on(capsys, monkeypatch) -> None:
    import io

    areas = [{"id": 1, "title": "Alcohol", "concern": "Mum drinks every evening.", "good_enough": "A sober adult."}]
    lines = [
        json.dumps({"areas": areas, "text": "word " * 30_000}),
        json.dumps({"areas": areas, "text": "Mum had not been drinking when I arrived."}),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, err = run_cli(["link", "--jsonl"], capsys)
    assert code == 0, err
    first, second = (json.loads(x) for x in out.splitlines())
    assert "too long to link (150,000 characters; the limit is 100,000)" in first["error"]
    assert "error" not in second and isinstance(second["links"], list)  # the next line is linked as usual


def test_export_never_replaces_a_device_or_a_pipe(tmp_path: Path, capsys) -> None:
    import os
    import stat

    code, _, err = run_cli(["demo", "--no-tui"], capsys)
    assert code == 0, err
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, _, err = run_cli(["export", str(pipe), "--force"], capsys)
    _clear_failure(code, err)
    assert "is not a regular file" in err
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # still the pipe, not a JSON file in its place


def test_a_full_disk_is_named_not_an_unexpected_error(_isolated_home: Path, capsys) -> None:
    import os
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    code, _, err = run_cli(["demo", "--no-tui"], capsys)
    assert code == 0, err
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "coach", "export", "-"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120
        )
    assert result.returncode == 1
    assert result.stderr.strip() == "coach: could not finish: No space left on device."
