"""Where coach keeps things: the repository's content folders and the user's data and config folders.

Content (prompts/, phrasebank/, sessions/) lives beside the package in the source tree; user data lives in the
platform's user folders (platformdirs), overridable with COACH_HOME for tests and portable installs.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "coach"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROMPTS_DIR = PROJECT_ROOT / "prompts"
PHRASEBANK_DIR = PROJECT_ROOT / "phrasebank"
SESSIONS_DIR = PROJECT_ROOT / "sessions"


def data_dir() -> Path:
    """The user's data folder (database lives here). COACH_HOME overrides it."""
    home = os.environ.get("COACH_HOME")
    if home:
        return Path(home) / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user's config folder (config.toml lives here). COACH_HOME overrides it."""
    home = os.environ.get("COACH_HOME")
    if home:
        return Path(home) / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'coach.db'}"
