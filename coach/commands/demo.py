"""`coach demo`: load the fictional demo workspace (sessions/demo.json) into an empty database, open the app.

A database that already has cases is left alone, so running `coach demo` twice is safe. `--no-tui` only loads
the data (for scripts and tests).
"""

from __future__ import annotations

import click

from coach.commands._common import db_option
from coach.errors import CoachError


def load_demo(url: str) -> str:
    """Import the demo workspace if the database has no cases; return a sentence saying what happened."""
    from coach import paths
    from coach.services.cases import workspace_counts
    from coach.store.db import Store
    from coach.store.exchange import import_file

    store = Store.open(url)
    try:
        counts = workspace_counts(store)
        if counts.cases:
            return (
                f"The database already has {counts.cases} case{'s' if counts.cases != 1 else ''}; "
                f"the demo workspace was not loaded ({store.display_url})."
            )
        summary = import_file(store, paths.SESSIONS_DIR / "demo.json")
        return f"Loaded the demo workspace into {store.display_url}: {summary.describe()}"
    finally:
        store.dispose()


@click.command(name="demo", help="Load the demo workspace (if the database has no cases) and open the app.")
@click.option("--no-tui", is_flag=True, help="Only load the demo data; do not open the app.")
@db_option
@click.pass_context
def command(ctx: click.Context, no_tui: bool, db: str | None) -> None:
    from coach.commands.exchange import settings_url

    url = settings_url(ctx, db)
    click.echo(load_demo(url))
    if no_tui:
        return
    try:
        from coach.commands.tui import run_app
    except ImportError as exc:
        if getattr(exc, "name", None) in ("coach.commands.tui", None) or "run_app" in str(exc):
            raise CoachError(
                "The data is ready, but the app is not available in this build yet "
                "(coach.commands.tui.run_app is missing)."
            ) from None
        raise
    run_app(url)
