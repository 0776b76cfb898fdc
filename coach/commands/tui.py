"""`coach tui` (and plain `coach`): open the Textual app.

`run_app(db_url)` is shared with `coach demo`. It sets HF_HUB_OFFLINE before anything could reach for the
network, and imports Textual only here, so `coach --help` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from coach.commands._common import db_option, resolve_db
from coach.errors import CoachError


def run_app(db_url: str) -> None:
    """Open the app on `db_url`; a CoachError before the start becomes a message, not a traceback."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from coach.tui.app import CoachApp

        app = CoachApp(db_url=db_url)
    except CoachError as exc:  # e.g. a broken config file: one readable line, never a traceback
        click.echo(f"coach: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    except ImportError as exc:
        raise CoachError(f"The app cannot start: {exc}. Reinstall coach (pip install -e .).") from None
    app.run()
    code = app.return_code or 0
    if app.models_still_loading:
        # The user quit while the models were loading: nothing is left to save (the database work is done
        # on the main thread), so leave now instead of waiting for torch to finish importing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise SystemExit(code)


@click.command(name="tui", help="Open the app (the default when no command is given).")
@db_option
@click.pass_context
def command(ctx: click.Context, db: str | None) -> None:
    run_app(resolve_db(ctx, db))  # a broken config file is a ConfigError (a CoachError): one line, exit 2
