"""`coach db upgrade` and `coach db status`: the database schema, explicitly.

Opening a database upgrades it anyway (after a backup copy for SQLite); these commands let an administrator
do it at a chosen moment and see what happened, for example before several people open a shared PostgreSQL
database.
"""

from __future__ import annotations

import click

from coach.commands._common import db_option


@click.group(name="db", help="Database maintenance: upgrade the schema, show its revision.")
def group() -> None:
    pass


@group.command(name="upgrade", help="Create or upgrade the database schema to this version of coach.")
@db_option
@click.pass_context
def upgrade(ctx: click.Context, db: str | None) -> None:
    from coach.commands.exchange import settings_url
    from coach.store.db import Store

    store = Store(settings_url(ctx, db))
    try:
        result = store.upgrade()
    finally:
        store.dispose()
    click.echo(result.describe())
    click.echo(f"Database: {store.display_url}")


@group.command(name="status", help="Show the database's schema revision and the newest one this coach knows.")
@db_option
@click.pass_context
def status(ctx: click.Context, db: str | None) -> None:
    from coach.commands.exchange import settings_url
    from coach.store.db import Store

    store = Store(settings_url(ctx, db))
    try:
        info = store.status()
    finally:
        store.dispose()
    current = info["current"] or "none (empty database)"
    click.echo(f"Database:          {info['url']}")
    click.echo(f"Current revision:  {current}")
    click.echo(f"Newest revision:   {info['head']}")
    if not info["known"]:
        click.echo("This database was written by a newer version of coach; upgrade coach to use it.")
    elif info["up_to_date"]:
        click.echo("Up to date.")
    else:
        click.echo("An upgrade is needed: run 'coach db upgrade' (it happens anyway when coach opens it).")
