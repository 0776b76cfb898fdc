"""Start-up hygiene: `coach --help` imports no model library and no Textual, and the app's first frame
(home screen with the database open) imports no model library, so neither waits for torch or spaCy.
Each check runs in a fresh interpreter and inspects sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MODEL_LIBRARIES = ("torch", "spacy", "sentence_transformers", "transformers")
ROOT = Path(__file__).resolve().parent.parent


def modules_after(code: str, env_home: Path) -> set[str]:
    """Run `code` in a fresh interpreter; the top-level names of every module imported by the end."""
    import os

    script = f"{code}\nimport json, sys\nprint('\\n' + json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "COACH_HOME": str(env_home)}
    env.pop("COACH_DB", None)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=ROOT, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {name.split(".")[0] for name in json.loads(result.stdout.strip().splitlines()[-1])}


def test_coach_help_imports_no_models_and_no_textual(tmp_path: Path) -> None:
    code = "from coach.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    loaded = modules_after(code, tmp_path)
    assert "click" in loaded  # the check really ran the CLI
    assert sorted(set(MODEL_LIBRARIES + ("textual",)) & loaded) == []


def test_coach_tui_help_imports_no_models_and_no_textual(tmp_path: Path) -> None:
    code = "from coach.cli import main\ntry:\n    main(['tui', '--help'])\nexcept SystemExit:\n    pass\n"
    assert sorted(set(MODEL_LIBRARIES + ("textual",)) & modules_after(code, tmp_path)) == []


def test_first_frame_with_the_database_open_imports_no_model_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    code = f"""
import asyncio, sys
from coach.tui.app import CoachApp

async def main():
    app = CoachApp(db_url={url!r}, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while not (app.store_ready and app.screen.summary_text):
            await pilot.pause(0.05)
        assert app.store is not None, app.store_error
        assert app.first_frame_seconds is not None
        assert "Nothing here yet" in app.screen.summary_text

asyncio.run(main())
"""
    loaded = modules_after(code, tmp_path)
    assert "textual" in loaded and "sqlalchemy" in loaded  # the app really ran and opened the database
    assert sorted(set(MODEL_LIBRARIES) & loaded) == []
