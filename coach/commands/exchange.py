"""`coach import PATH` and `coach export PATH`: move a whole workspace in and out as one JSON (or YAML) file.

The format is documented in sessions/README.md; the work is done by coach.store.exchange. Import writes
everything or nothing and prints what it added; export refuses to overwrite a file unless --force is given.
"""

from __future__ import annotations

import sys

import click

from coach.commands._common import db_option, resolve_db
from coach.errors import CoachError


def settings_url(ctx: click.Context, db: str | None) -> str:
    """The database URL for a command, with config-file problems turned into a readable CoachError."""
    from coach.config import ConfigError

    try:
        return resolve_db(ctx, db)
    except ConfigError as exc:
        raise CoachError(str(exc)) from None


@click.command(name="import", help="Import a workspace file (JSON or YAML; '-' reads standard input).")
@click.argument("path", metavar="PATH")
@db_option
@click.pass_context
def import_command(ctx: click.Context, path: str, db: str | None) -> None:
    from coach.store.db import Store, sqlite_path
    from coach.store.exchange import MAX_FILE_BYTES, import_workspace, parse_bytes, read_file, validate

    if path == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        data = parse_bytes(raw, name="standard input")
    else:
        data = read_file(path)
    url = settings_url(ctx, db)
    file = sqlite_path(url)
    if file is not None and not file.exists():
        validate(data, set(), {})  # a bad file must not leave a new, empty database behind
    store = Store.open(url)
    try:
        summary = import_workspace(store, data)
    finally:
        store.dispose()
    click.echo(summary.describe())
    click.echo(f"Database: {store.display_url}")


@click.command(name="export", help="Export the whole workspace as JSON to PATH ('-' for standard output).")
@click.argument("path", metavar="PATH")
@click.option("--force", is_flag=True, help="Overwrite PATH if it already exists.")
@db_option
@click.pass_context
def export_command(ctx: click.Context, path: str, force: bool, db: str | None) -> None:
    from coach.store.db import Store, sqlite_path
    from coach.store.exchange import export_to

    url = settings_url(ctx, db)
    file = sqlite_path(url)
    if file is not None and (not file.exists() or file.stat().st_size == 0):
        raise CoachError(f"There is no database at {file} yet, so there is nothing to export.")
    store = Store.open(url)
    try:
        counts = export_to(store, path, force=force)
    finally:
        store.dispose()
    if path != "-":
        parts = ", ".join(f"{n} {name[:-1] if n == 1 else name}" for name, n in counts.items())
        click.echo(f"Exported {parts} to {path}.")
