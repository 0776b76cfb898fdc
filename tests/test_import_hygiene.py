"""Import hygiene: `coach --help` stays light (no torch, spaCy, sentence-transformers, Textual), and the store
and NLP layers never import Textual. Each check runs in a fresh interpreter and looks at sys.modules."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import coach.nlp
import coach.store

HEAVY = ("torch", "spacy", "sentence_transformers", "transformers", "textual")
ROOT = Path(__file__).resolve().parent.parent


def loaded_modules(code: str) -> set[str]:
    """Run `code` in a fresh interpreter and return the top-level names of every module it left imported."""
    script = f"{code}\nimport json, sys\nprint('\\n' + json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout.strip().splitlines()[-1])
    return {name.split(".")[0] for name in names}


def _heavy_in(modules: set[str], forbidden: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(set(forbidden) & modules)


def test_help_imports_no_heavy_library() -> None:
    code = "from coach.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    assert _heavy_in(loaded_modules(code)) == []


def test_version_imports_no_heavy_library() -> None:
    code = "from coach.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
    assert _heavy_in(loaded_modules(code)) == []


def test_help_lists_every_foundation_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coach", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0
    for name in ("demo", "locate", "import", "export", "db"):
        assert f"  {name} " in result.stdout


def _submodules(package) -> list[str]:
    """Importable submodules (Alembic's env.py and revision files only run inside a migration)."""
    names = (m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + "."))
    return sorted(n for n in names if ".migrations." not in n)


@pytest.mark.parametrize(
    "module",
    ["coach.store", "coach.nlp", "coach.nlp.models", "coach.services.cases"] + _submodules(coach.store),
)
def test_store_and_nlp_never_import_textual(module: str) -> None:
    assert "textual" not in loaded_modules(f"import {module}")


@pytest.mark.parametrize("module", _submodules(coach.nlp))
def test_every_nlp_module_stays_out_of_textual(module: str) -> None:
    assert "textual" not in loaded_modules(f"import {module}")


@pytest.mark.parametrize(
    "module",
    [
        "coach.store.db",
        "coach.store.models",
        "coach.store.exchange",
        "coach.nlp.models",
        "coach.services.cases",
    ],
)
def test_importing_is_cheap(module: str) -> None:
    """Loading the models is a function call, never a side effect of an import."""
    assert _heavy_in(loaded_modules(f"import {module}")) == []
