"""Helpers shared by subcommands: the database option that works before or after the subcommand."""

from __future__ import annotations

import click

db_option = click.option(
    "--db", "db", metavar="URL", default=None, help="Database URL (SQLAlchemy). Overrides COACH_DB and the config."
)


def resolve_db(ctx: click.Context, local: str | None) -> str:
    """The database URL for this command: its own --db, else the group's --db/COACH_DB, else config/default."""
    from coach.config import load_settings
    from coach.errors import CoachError
    from coach.store.db import parse_url, sqlite_path

    root = ctx.find_root()
    group_db = (root.obj or {}).get("db") if root.obj else None
    url = load_settings(db=local or group_db).db_url
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and sqlite_path(parsed) is None:
        raise CoachError(
            f"{url} is an in-memory database: nothing would be kept when coach ends. "
            "Give a file instead, e.g. sqlite:///path/to/coach.db."
        )
    return url
