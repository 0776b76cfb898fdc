"""F1 help: the current screen's `HELP` markdown and every key that works there, in one scrollable page.

Help is contextual on purpose: a practitioner in the middle of a rehearsal wants to know what *this* screen's
keys do, not to read a manual. The key table is built from the screen's BINDINGS, so it cannot go stale.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from coach.tui.commands import key_label

GENERAL_KEYS: tuple[tuple[str, str], ...] = (
    ("F1", "Help for the screen you are on (press again to close)"),
    ("ctrl+p", "Command palette: search this screen's actions and go anywhere"),
    ("Esc", "Go back"),
    ("q / ctrl+q", "Quit (q types a letter while you are writing in a text box)"),
)


def binding_rows(screen: Any) -> list[tuple[str, str]]:
    """(keys, what it does) for each action bound on `screen`, keys of one action joined."""
    rows: dict[str, tuple[list[str], str]] = {}
    bindings_map = getattr(screen, "_bindings", None)
    if bindings_map is None:
        return []
    for key, bindings in bindings_map.key_to_bindings.items():
        for binding in bindings:
            if not binding.description and not binding.tooltip:
                continue
            keys, text = rows.setdefault(binding.action, ([], binding.tooltip or binding.description))
            label = key_label(binding.key_display or key)
            if label not in keys:
                keys.append(label)
    return [(" / ".join(keys), text) for keys, text in rows.values()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def help_markdown(screen: Any) -> str:
    fallback = f"# {type(screen).__name__}\n\nNo help has been written for this screen yet."
    body = getattr(screen, "HELP", "") or fallback
    lines = [body.rstrip(), "", "## Keys on this screen", ""]
    rows = binding_rows(screen)
    if rows:
        lines += ["| Key | What it does |", "|---|---|"]
        lines += [f"| `{_cell(k)}` | {_cell(t)} |" for k, t in rows]
    else:
        lines.append("This screen has no keys of its own.")
    lines += ["", "## Keys everywhere", "", "| Key | What it does |", "|---|---|"]
    lines += [f"| `{k}` | {t} |" for k, t in GENERAL_KEYS]
    return "\n".join(lines) + "\n"


class HelpScreen(Screen):
    """Help for the screen underneath it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "close", "Close", id="help.close", tooltip="Close help and go back"),
        Binding("f1", "close", "Close", id="help.close_f1", tooltip="Close help", show=False),
    ]
    HELP = "# Help\n\nPress **Esc** or **F1** to close."
    TITLE = "coach · help"

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-scroll"):
            yield Markdown(help_markdown(self.target), id="help-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.app.pop_screen()
