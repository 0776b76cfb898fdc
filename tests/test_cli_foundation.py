"""The foundation commands as a user runs them: `coach --version`, `locate`, `import`, `export`, `demo`, and
the readable messages for a locked database and a server that is down (no traceback, non-zero exit)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run_cli

from coach import __version__
from coach.paths import SESSIONS_DIR

BAD_DIR = Path(__file__).parent / "data" / "bad_imports"


def run_coach(args: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`coach ARGS` in a fresh Python process, as from a shell."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


def test_version_in_a_subprocess() -> None:
    result = run_coach(["--version"])
    assert result.returncode == 0
    assert result.stdout.strip() == f"coach, version {__version__}"


def test_locate_shows_paths_and_hides_the_password(capsys: pytest.CaptureFixture[str], _isolated_home: Path) -> None:
    code, out, err = run_cli(["locate"], capsys)
    assert code == 0 and err == ""
    assert f"Config file:  {_isolated_home / 'config' / 'config.toml'} (not created yet" in out
    assert f"Data folder:  {_isolated_home / 'data'}" in out
    assert f"sqlite:///{_isolated_home / 'data' / 'coach.db'} (not created yet)" in out
    assert not (_isolated_home / "data" / "coach.db").exists()  # locating creates nothing

    code, out, _ = run_cli(["locate", "--db", "postgresql://coach:hunter2@db.example:5432/coach"], capsys)
    assert code == 0 and "hunter2" not in out and "db.example:5432/coach" in out


def test_db_option_before_after_and_from_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before, after, env = (f"sqlite:///{tmp_path / name}.db" for name in ("before", "after", "env"))
    run_cli(["--db", before, "demo", "--no-tui"], capsys)
    run_cli(["demo", "--no-tui", "--db", after], capsys)
    monkeypatch.setenv("COACH_DB", env)
    code, out, _ = run_cli(["demo", "--no-tui"], capsys)
    assert code == 0 and str(tmp_path / "env.db") in out
    for name in ("before", "after", "env"):
        assert (tmp_path / f"{name}.db").exists()
    code, out, _ = run_cli(["locate", "--json"], capsys)
    assert json.loads(out)["database_url"] == env


def test_demo_loads_once(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["demo", "--no-tui", "--db", sqlite_url], capsys)
    assert code == 0 and err == ""
    assert "Loaded the demo workspace" in out and "2 cases" in out and "1 rehearsal," in out
    code, out, _ = run_cli(["demo", "--no-tui", "--db", sqlite_url], capsys)
    assert code == 0 and "already has 2 cases; the demo workspace was not loaded" in out


def test_database_file_is_private(_isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(["demo", "--no-tui"], capsys)
    db = _isolated_home / "data" / "coach.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600


def test_export_then_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    run_cli(["demo", "--no-tui", "--db", source], capsys)
    out_file = tmp_path / "workspace.json"
    code, out, _ = run_cli(["export", str(out_file), "--db", source], capsys)
    assert code == 0 and "Exported 4 practitioners, 2 cases, 4 reflections, 1 rehearsal, 1 drill" in out
    code, _, err = run_cli(["export", str(out_file), "--db", source], capsys)
    assert code != 0 and "already exists; use --force" in err
    code, _, _ = run_cli(["export", str(out_file), "--force", "--db", source], capsys)
    assert code == 0
    code, out, err = run_cli(["import", str(out_file), "--db", target], capsys)
    assert code == 0 and "Imported 4 practitioners, 2 cases, 6 change areas" in out
    code, out, _ = run_cli(["export", "-", "--db", target], capsys)
    exported = json.loads(out)
    original = json.loads(out_file.read_text(encoding="utf-8"))
    for data in (exported, original):
        data.pop("exported_at")
    assert exported == original


def test_export_of_a_missing_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["export", str(tmp_path / "x.json"), "--db", f"sqlite:///{tmp_path / 'none.db'}"], capsys)
    assert code != 0 and "There is no database at" in err
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("name", ["score_11.json", "binary.bin", "not_yaml.yaml", "unknown_area_link.json"])
def test_import_of_a_bad_file_exits_non_zero_with_the_message(name: str, sqlite_url: str) -> None:
    result = run_coach(["import", str(BAD_DIR / name), "--db", sqlite_url])
    assert result.returncode != 0
    assert result.stderr.startswith("coach: ")
    assert "Traceback" not in result.stderr
    import yaml

    expected = yaml.safe_load((BAD_DIR / "expected.yaml").read_text(encoding="utf-8"))[name]
    assert expected in result.stderr


def test_bad_import_into_a_new_database_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "fresh.db"
    code, _, err = run_cli(["import", str(BAD_DIR / "unknown_area_link.json"), "--db", f"sqlite:///{target}"], capsys)
    assert code == 2 and "has no change area 'School attendance'" in err
    assert not target.exists()


def test_import_from_stdin(sqlite_url: str) -> None:
    demo = (SESSIONS_DIR / "demo.json").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "coach", "import", "-", "--db", sqlite_url],
        input=demo,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert b"Imported 4 practitioners" in result.stdout


def test_locked_database_gives_a_clear_message_not_a_traceback(sqlite_url: str, capsys) -> None:
    """A second writer holds the SQLite write lock; `coach import` waits the busy timeout, then says so."""
    run_cli(["db", "upgrade", "--db", sqlite_url], capsys)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE lock_holder (x INTEGER)")
        started = time.monotonic()
        result = run_coach(
            ["import", str(SESSIONS_DIR / "demo.json"), "--db", sqlite_url],
            env={"COACH_DB_BUSY_TIMEOUT": "1"},
        )
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 2
    assert "coach: The database is locked by another program (" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 15
    check = run_coach(["export", "-", "--db", sqlite_url])
    assert json.loads(check.stdout)["cases"] == []  # nothing was written


def test_postgres_down_gives_a_clear_message() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_coach(["db", "status", "--db", f"postgresql://coach:pw@127.0.0.1:{port}/coach"])
    assert result.returncode == 2
    assert f"coach: Cannot connect to the database server at 127.0.0.1:{port}:" in result.stderr
    assert "Traceback" not in result.stderr and ":pw@" not in result.stderr


def test_unknown_url_gives_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["db", "status", "--db", "mongodb://localhost/coach"], capsys)
    assert code == 2 and "Unknown database URL" in err
