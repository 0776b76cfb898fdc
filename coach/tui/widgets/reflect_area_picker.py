"""A modal list of a case's change areas, for adding a link the linker did not suggest (keyboard only)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class AreaPicker(ModalScreen[int | None]):
    """Returns the chosen area id, or None."""

    DEFAULT_CSS = """
    AreaPicker { align: center middle; }
    AreaPicker > Vertical { width: 70; max-width: 100%; height: auto; max-height: 17; border: round $accent;
        background: $surface; padding: 0 1; }
    AreaPicker OptionList { height: auto; max-height: 10; }
    AreaPicker #picker-keys { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without linking")]

    def __init__(self, sentence: str, areas: list[Any]) -> None:
        super().__init__()
        self._sentence = sentence
        self._areas = areas

    def compose(self) -> ComposeResult:
        from rich.markup import escape

        with Vertical():
            yield Static(f"Link this sentence to which change area?\n[i]{escape(self._sentence)}[/i]")
            yield OptionList(*[Option(escape(a.title), id=str(a.id)) for a in self._areas], id="picker-list")
            yield Static("↑/↓ choose · Enter link · Esc cancel", id="picker-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
