"""The home screen: where coach starts. A welcome, the six destinations, and what is in the workspace.

The summary comes from the database (counts and each case with its change areas' latest readings), so after
`coach demo` the data is visible at once; an empty workspace gets a designed empty state instead of blanks.
The screen renders before the database is open and fills in when the app posts StoreReady.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import RenderableType
from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from coach.tui.messages import ModelsFailed, ModelsReady, StoreReady
from coach.tui.widgets.destinations import DESTINATIONS

MAX_CASES_SHOWN = 12


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def destination_prompt(key: str, title: str, description: str) -> str:
    return f"[b]{key}[/b]  [b]{escape(title)}[/b]\n   [dim]{escape(description)}[/dim]"


def summary_renderable(counts: Any, cases: list[Any]) -> RenderableType:
    """The workspace summary: counts, then each case with its change areas' latest readings."""
    from rich.console import Group
    from rich.text import Text

    if counts.empty:
        return Text.from_markup(
            "[b]Nothing here yet[/b]\n\n"
            "Run [b]coach demo[/b] in a terminal to load a fictional demo workspace, "
            "or press [b]3[/b] (Cases) to add your first case under a pseudonymous reference."
        )
    head = Text.from_markup(
        f"{_plural(counts.cases, 'case')} · {_plural(counts.areas, 'change area')}\n"
        f"{_plural(counts.readings, 'reading')} · {_plural(counts.reflections, 'reflection')}\n"
        f"{_plural(counts.rehearsals, 'rehearsal')}\n"
    )
    parts: list[Any] = [head]
    for case in cases[:MAX_CASES_SHOWN]:
        state = " [dim](closed)[/dim]" if case.closed else ""
        parts.append(Text.from_markup(f"[b]{escape(case.reference)}[/b]{state}"))
        if not case.areas:
            parts.append(Text("  no change areas yet", style="dim"))
        for area in case.areas:
            score = area.latest_score
            line = Text.from_markup(f" [b]{score:>2}[/b]/10 " if score is not None else " [dim] -/10[/dim] ")
            line.append(area.title)
            line.no_wrap = True
            line.overflow = "ellipsis"
            parts.append(line)
    if len(cases) > MAX_CASES_SHOWN:
        parts.append(Text(f"… and {len(cases) - MAX_CASES_SHOWN} more in Cases", style="dim"))
    return Group(*parts)


def _plain(renderable: RenderableType) -> str:
    from rich.console import Console, Group
    from rich.text import Text

    if isinstance(renderable, Text):
        return renderable.plain
    if isinstance(renderable, Group):
        return "\n".join(_plain(r) for r in renderable.renderables)
    console = Console(width=200, record=True, file=None, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


class HomeScreen(Screen):
    """Welcome, destinations (Enter or 1-6) and the workspace summary."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar = [
        *(
            Binding(
                d.key,
                f"app.open('{d.name}')",
                d.title,
                id=f"home.{d.name}",
                tooltip=f"Open {d.title}: {d.description}",
                show=False,
            )
            for d in DESTINATIONS
        ),
        Binding("r", "refresh", "Refresh", id="home.refresh", tooltip="Read the workspace summary again"),
    ]
    HELP = """\
# Home

Welcome to **coach**: practise difficult conversations in child protection, reflect after visits and review
your work with a mentor. Everything stays on this computer (or your team's database).

- **↑/↓** and **Enter**, or the number keys **1-6**, open a destination:
  Rehearse, Reflect, Cases, Review, Drills, Phrasebank.
- The right-hand panel summarises your workspace: cases (pseudonymous references only) with the latest
  reading of each change area. **r** reads it again.
- The language models load in the background; the line at the bottom says when they are ready.
  Rehearse and Reflect need them; everything else works straight away.
- Empty? Run `coach demo` in a terminal to load a fictional demo workspace.
"""

    summary_text = ""  # the summary as plain text (what a reader sees), kept for tests and screen readers

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="welcome"):
            yield Static("[b]Welcome to coach[/b]", id="welcome-title")
            yield Static(
                "Practise conversations, reflect after visits, review with a mentor.",
                id="welcome-text",
            )
        with Horizontal(id="home-main"):
            yield OptionList(
                *(Option(destination_prompt(d.key, d.title, d.description), id=d.name) for d in DESTINATIONS),
                id="destinations",
            )
            with VerticalScroll(id="summary-box"):
                yield Static("Opening the workspace…", id="summary")
        yield Static(self.app.model_status, id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#destinations", OptionList).border_title = "Go to"
        self.query_one("#summary-box").border_title = "Workspace"
        destinations = self.query_one("#destinations", OptionList)
        destinations.highlighted = 0
        destinations.focus()
        self.update_model_status(self.app.model_status)
        if self.app.store_ready:
            self.refresh_summary()

    def on_screen_resume(self) -> None:
        if self.app.store_ready:
            self.refresh_summary()

    @on(OptionList.OptionSelected, "#destinations")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.action_open(event.option.id)

    def on_store_ready(self, message: StoreReady) -> None:
        self.refresh_summary()

    def on_models_ready(self, message: ModelsReady) -> None:
        self.update_model_status(self.app.model_status)

    def on_models_failed(self, message: ModelsFailed) -> None:
        self.update_model_status(self.app.model_status)

    def update_model_status(self, text: str) -> None:
        status = self.query_one("#home-status", Static)
        status.update(escape(text))
        status.set_class(self.app.tagger is not None, "-ready")
        status.set_class(self.app.models_error is not None, "-failed")

    def action_refresh(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        summary = self.query_one("#summary", Static)
        store = self.app.store
        if store is None:
            reason = self.app.store_error or "The database could not be opened."
            after = "The phrasebank still works; nothing can be saved."
            self.summary_text = f"No database\n\n{reason}\n\n{after}"
            summary.update(f"[b]No database[/b]\n\n{escape(reason)}\n\n{after}")
            summary.add_class("-error")
            return
        from coach.errors import CoachError
        from coach.services.cases import list_cases, workspace_counts

        try:
            counts = workspace_counts(store)
            cases = list_cases(store) if counts.cases else []
        except CoachError as exc:
            self.summary_text = f"The workspace could not be read\n\n{exc}"
            summary.update(f"[b]The workspace could not be read[/b]\n\n{escape(str(exc))}")
            summary.add_class("-error")
            return
        summary.remove_class("-error")
        summary.set_class(counts.empty, "-empty")
        renderable = summary_renderable(counts, cases)
        self.summary_text = _plain(renderable)
        summary.update(renderable)
