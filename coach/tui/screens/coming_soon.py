"""Screens for things that cannot be used right now: a destination not built yet, or a database that failed.

Both are designed states rather than errors: they say what the feature will do (or what went wrong and what
to try), and Esc always leads back while q still quits.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from coach.tui.widgets.destinations import BY_NAME, Destination


class ComingSoonScreen(Screen):
    """A destination whose screen is not part of this build yet: what it will do, and the way back."""

    CSS_PATH = "coming_soon.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", id="coming_soon.back", tooltip="Go back to the previous screen"),
    ]
    HELP = """\
# Coming soon

This part of coach is not in this build yet. The panel says what it will do.

- **Esc** goes back, **q** quits.
"""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.destination = name
        self.feature: Destination = BY_NAME.get(name) or Destination(name, name.title(), "", "")
        self.title = f"coach · {self.feature.title}"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="soon-scroll"), Center(), Vertical(id="soon-panel"):
            yield Static(f"{self.feature.title}", id="soon-title")
            yield Static("Coming soon", id="soon-badge")
            if self.feature.description:
                yield Static(self.feature.description, id="soon-description")
            yield Markdown(self.feature.plans or "This feature is being written.", id="soon-plans")
            yield Static("Press [b]Esc[/b] to go back.", id="soon-hint")
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()


class DatabaseErrorScreen(Screen):
    """The database could not be opened: the reason in plain words, what to try, and the way out."""

    TITLE = "coach · database problem"
    CSS_PATH = "coming_soon.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "Continue", id="db_error.back", tooltip="Continue without the database"),
        Binding("q", "app.quit", "Quit", id="db_error.quit", tooltip="Quit coach"),
    ]
    HELP = """\
# The database could not be opened

coach keeps cases, reflections and rehearsals in a database (by default a SQLite file in your user data
folder). It could not be opened, so nothing can be saved in this session.

- Check the `--db` option or the `COACH_DB` variable (SQLite: `sqlite:////path/to/coach.db`;
  PostgreSQL: `postgresql://user@host:5432/coach`).
- `coach locate` shows where the config file and the default database are.
- If the file is locked by another coach, close that one first.
- **Esc** continues without the database (the phrasebank still works), **q** quits.
"""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        from rich.markup import escape

        yield Header()
        with VerticalScroll(id="soon-scroll"), Center(), Vertical(id="error-panel"):
            yield Static("The database could not be opened", id="error-title")
            yield Static(escape(self.message), id="error-message")
            yield Static(
                "Check the [b]--db[/b] URL or [b]COACH_DB[/b]; [b]coach locate[/b] shows where your data"
                " lives.\n"
                "Press [b]Esc[/b] to continue without saving (the phrasebank still works)"
                " or [b]q[/b] to quit.",
                id="error-hint",
            )
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()
