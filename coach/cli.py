"""The `coach` command line.

Subcommands live in `coach/commands/<name>.py` and are imported only when invoked, so `coach --help` stays fast
and never imports spaCy, sentence-transformers or torch. Every user-facing failure is a CoachError (or a click
usage error) and ends as one readable line on stderr, never a traceback; COACH_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from coach import __version__

# name -> (module, attribute, short help). Help text is here so `coach --help` needs no imports.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "tui": ("coach.commands.tui", "command", "Open the app (the default when no command is given)."),
    "demo": ("coach.commands.demo", "command", "Load the demo workspace (if empty) and open the app."),
    "locate": ("coach.commands.locate", "command", "Show where the config file and the database are."),
    "import": ("coach.commands.exchange", "import_command", "Import a workspace file (JSON or YAML)."),
    "export": ("coach.commands.exchange", "export_command", "Export the whole workspace to a file."),
    "db": ("coach.commands.db", "group", "Database maintenance (upgrade, status)."),
    "tag": ("coach.commands.tag", "command", "Tag what was said with techniques (table or JSON lines)."),
    "eval": ("coach.commands.evaluate", "group", "Measure the tagger (e.g. on AnnoMI)."),
    "rehearse": ("coach.commands.rehearse", "command", "Run a rehearsal headless from a script, or list scenarios."),
    "link": ("coach.commands.link", "command", "Link reflection text to change areas (JSON lines)."),
    "case": ("coach.commands.case", "group", "Cases: reports for core groups and review conferences."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module_name, attr, _help = spec
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return _not_ready(cmd_name, _help)
            raise
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, spec[2]) for name, spec in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _not_ready(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text)
    def missing() -> None:
        raise click.ClickException(f"'coach {name}' is not available in this build yet.")

    return missing


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="URL", envvar="COACH_DB", help="Database URL (SQLAlchemy). Default: SQLite file.")
@click.version_option(__version__, "--version", prog_name="coach")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """coach: practise difficult conversations in child protection, reflect after visits, review with a mentor."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "tui"))


def main(argv: list[str] | None = None) -> None:
    from coach.errors import CoachError

    try:
        cli.main(args=argv, prog_name="coach", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CoachError as exc:
        click.echo(f"coach: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (`coach export - | head`): nothing to say to anyone
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        sys.exit(1)
    except OSError as exc:  # the disk is full, a device failed: say what, without a traceback
        if os.environ.get("COACH_DEBUG"):
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"coach: could not finish: {exc.strerror or exc}{where}.", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        if os.environ.get("COACH_DEBUG"):
            raise
        click.echo(f"coach: unexpected error: {type(exc).__name__}: {exc} (set COACH_DEBUG=1 for details)", err=True)
        sys.exit(1)
