"""Small keyboard-only forms for the cases screen: a case, a change area, a scale reading.

Each form is a ModalScreen that validates nothing itself: it returns the values (dismiss) and the cases
screen calls coach.services.cases, which raises CaseError with a message the form then shows, keeping what
was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

FORM_BINDINGS = [
    Binding("ctrl+s", "save", "Save", id="form.save", tooltip="Save this form"),
    Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form without saving"),
]


@dataclass
class CaseValues:
    reference: str
    summary: str


@dataclass
class AreaValues:
    title: str
    concern: str
    good_enough: str


@dataclass
class ReadingValues:
    reading_date: str
    score: str
    by_whom: str
    note: str


class _Form(ModalScreen):
    """A form with an error line; `check` lets the caller validate and keep the form open with a message."""

    DEFAULT_CSS = """
    _Form { align: center middle; }
    _Form > VerticalScroll { width: 76; height: auto; max-height: 22; border: round $accent; padding: 0 1;
        background: $surface; }
    _Form Label { margin-top: 1; }
    _Form TextArea { height: 3; }
    _Form .form-error { color: $error; }
    _Form .form-help { color: $text-muted; }
    """
    BINDINGS = FORM_BINDINGS
    TITLE_TEXT = ""

    def __init__(self, check=None) -> None:
        super().__init__()
        self._check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"[b]{self.TITLE_TEXT}[/b]  (Ctrl+S save, Esc cancel)")
            yield from self.fields()
            yield Static("", classes="form-error", id="form-error", markup=False)

    def fields(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def values(self) -> object:  # pragma: no cover - overridden
        return None

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.scroll_visible()  # at 80x24 a long form scrolls; the message must not sit below the fold

    def action_save(self) -> None:
        values = self.values()
        if self._check is not None:
            message = self._check(values)
            if message:
                self.show_error(message)
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CaseForm(_Form):
    TITLE_TEXT = "Case"

    def __init__(self, reference: str = "", summary: str = "", check=None) -> None:
        super().__init__(check)
        self._reference = reference
        self._summary = summary

    def fields(self) -> ComposeResult:
        yield Label("Pseudonymous reference (never the family's real name), e.g. GW-2026-014")
        yield Input(self._reference, placeholder="GW-2026-014", id="case-reference")
        yield Static("", classes="form-help", id="case-warning", markup=False)
        yield Label("Summary (optional)")
        yield TextArea(self._summary, id="case-summary")

    def on_mount(self) -> None:
        self.query_one("#case-reference", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "case-reference":
            from coach.services.cases import reference_warning

            self.query_one("#case-warning", Static).update(reference_warning(event.value) or "")

    def values(self) -> CaseValues:
        return CaseValues(
            self.query_one("#case-reference", Input).value, self.query_one("#case-summary", TextArea).text
        )


class AreaForm(_Form):
    TITLE_TEXT = "Change area"

    def __init__(self, title: str = "", concern: str = "", good_enough: str = "", check=None) -> None:
        super().__init__(check)
        self._values = AreaValues(title, concern, good_enough)

    def fields(self) -> ComposeResult:
        yield Label("Title (as agreed at the case conference)")
        yield Input(self._values.title, id="area-title")
        yield Label("Not good enough now: the evidence")
        yield TextArea(self._values.concern, id="area-concern")
        yield Label("Good enough would be")
        yield TextArea(self._values.good_enough, id="area-good")

    def on_mount(self) -> None:
        self.query_one("#area-title", Input).focus()

    def values(self) -> AreaValues:
        return AreaValues(
            self.query_one("#area-title", Input).value,
            self.query_one("#area-concern", TextArea).text,
            self.query_one("#area-good", TextArea).text,
        )


class ReadingForm(_Form):
    TITLE_TEXT = "Scale reading (steps to change, 1-10)"

    def __init__(self, area_title: str, by_whom: str = "", check=None) -> None:
        super().__init__(check)
        self._area_title = area_title
        self._by_whom = by_whom

    def fields(self) -> ComposeResult:
        yield Static(f"Area: {self._area_title}", markup=False)
        yield Label("Date (YYYY-MM-DD)")
        yield Input(date.today().isoformat(), id="reading-date")
        yield Label("Score: 1 (not safe) to 10 (good enough)")
        yield Input("", placeholder="1-10", id="reading-score")
        yield Label("By whom (ideally in the family's own words: who gave it)")
        yield Input(self._by_whom, id="reading-by")
        yield Label("Note")
        yield Input("", id="reading-note")

    def on_mount(self) -> None:
        self.query_one("#reading-score", Input).focus()

    def values(self) -> ReadingValues:
        return ReadingValues(
            self.query_one("#reading-date", Input).value,
            self.query_one("#reading-score", Input).value,
            self.query_one("#reading-by", Input).value,
            self.query_one("#reading-note", Input).value,
        )
