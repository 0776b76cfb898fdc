"""`coach case`: case reports for the core group and the review conference (and a list of cases).

`coach case report CASE --format md|html [-o FILE]` writes the areas of change with the evidence now, what
good enough looks like, the latest scale reading and its trend, and the reflection excerpts linked to each
area.

"""

from __future__ import annotations

from pathlib import Path

import click

from coach.commands._common import db_option, resolve_db
from coach.errors import CoachError


@click.group(name="case")
def group() -> None:
    """Cases: reports for core groups and review conferences."""


@group.command(name="report")
@click.argument("case_ref", metavar="CASE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@db_option
@click.pass_context
def report_command(ctx: click.Context, case_ref: str, fmt: str, output: Path | None, db: str | None) -> None:
    """Report on CASE (reference or id): areas, evidence, readings and trend, linked reflection excerpts."""
    from coach.services.report import render
    from coach.store.db import Store

    store = Store.open(resolve_db(ctx, db))
    try:
        text = render(store, case_ref, fmt)
    finally:
        store.dispose()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CoachError(f"Cannot write the report to {output}: {exc.strerror or exc}") from None
    click.echo(f"Report on case {case_ref} written to {output}.", err=True)


@group.command(name="list")
@db_option
@click.pass_context
def list_command(ctx: click.Context, db: str | None) -> None:
    """List the cases (reference, number of change areas, open or closed)."""
    from sqlmodel import select

    from coach.store.db import Store
    from coach.store.models import Case, ChangeArea

    store = Store.open(resolve_db(ctx, db))
    try:
        with store.session() as s:
            cases = s.exec(select(Case).order_by(Case.reference)).all()
            rows = []
            for c in cases:
                n = len(s.exec(select(ChangeArea.id).where(ChangeArea.case_id == c.id)).all())
                rows.append((c.id, c.reference, n, "closed" if c.closed else "open"))
    finally:
        store.dispose()
    if not rows:
        click.echo("No cases yet. Create one in the app (Cases screen).")
        return
    for cid, ref, n, state in rows:
        click.echo(f"{cid:>4}  {ref:<24} {n} area{'s' if n != 1 else ''}  {state}")
