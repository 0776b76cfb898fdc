"""`coach locate`: where coach keeps its config file, data folder and database (to find and back them up).

It never creates anything: a missing file or database is reported as "not created yet". The database URL is
shown with any password hidden.
"""

from __future__ import annotations

import json

import click

from coach.commands._common import db_option


def _describe_file(path: object) -> str:
    from pathlib import Path

    file = Path(str(path))
    if not file.exists():
        return "not created yet"
    size = file.stat().st_size
    return f"exists, {size / 1024:.0f} KB" if size >= 1024 else f"exists, {size} bytes"


def gather(url: str) -> dict[str, object]:
    """What `coach locate` shows, as data."""
    from coach import paths
    from coach.store.db import parse_url, safe_url, sqlite_path

    config = paths.config_file()
    info: dict[str, object] = {
        "config_file": str(config),
        "config_exists": config.exists(),
        "data_folder": str(paths.data_dir()),
        "database_url": safe_url(url),
    }
    parsed = parse_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        info["database_file"] = str(path)
        info["database_exists"] = path.exists()
        info["database_status"] = _describe_file(path)
    elif parsed.get_backend_name() == "sqlite":
        info["database_exists"] = False
        info["database_status"] = "in memory (gone when coach exits)"
    else:
        info["database_exists"] = None
        info["database_status"] = f"{parsed.get_backend_name()} server database (not contacted)"
    return info


@click.command(name="locate", help="Show where the config file, the data folder and the database are.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.pass_context
def command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    from coach.commands.exchange import settings_url

    url = settings_url(ctx, db)
    info = gather(url)
    if as_json:
        click.echo(json.dumps(info))
        return
    config_state = "exists" if info["config_exists"] else "not created yet; defaults in use"
    click.echo(f"Config file:  {info['config_file']} ({config_state})")
    click.echo(f"Data folder:  {info['data_folder']}")
    click.echo(f"Database:     {info['database_url']} ({info['database_status']})")
