"""Typed settings: defaults, then config.toml in the user's config folder, then COACH_* variables, then flags.

| setting | config.toml key | environment | default |
|---|---|---|---|
| database URL | `db` | `COACH_DB` | SQLite file `coach.db` in the user data folder |
| practitioner name | `practitioner` | `COACH_PRACTITIONER` | the login name |
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass

from coach import paths
from coach.errors import CoachError


class ConfigError(CoachError):
    """A configuration problem, with a message fit for the user."""


@dataclass(frozen=True)
class Settings:
    db_url: str
    practitioner: str


def _read_file() -> dict:
    path = paths.config_file()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"Cannot read the config file {path}: it is not UTF-8 text (TOML).") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc}") from None
    for key in ("db", "practitioner"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(
                f"In the config file {path}, {key} must be text in quotes, e.g. "
                + ('db = "sqlite:///path/to/coach.db"' if key == "db" else 'practitioner = "Alaw"')
                + f", not {data[key]!r}."
            )
    return data


def load_settings(db: str | None = None) -> Settings:
    """Settings from file and environment; `db` (the --db flag) wins over both."""
    file = _read_file()
    db_url = db or os.environ.get("COACH_DB") or file.get("db") or paths.default_db_url()
    try:
        default_name = getpass.getuser()
    except Exception:
        default_name = "practitioner"
    practitioner = os.environ.get("COACH_PRACTITIONER") or file.get("practitioner") or default_name
    return Settings(db_url=str(db_url), practitioner=str(practitioner))
