"""Bad input anywhere gets a clear message and changes nothing; no traceback reaches a user.

TUI: text that looks like Textual markup ("[/x]") in a case reference, an area, a form field or a message is shown
as typed. CLI: see the tests below (real SQLite files, the real PostgreSQL server where the case needs it)."""

from __future__ import annotations

import re

from textual.widgets import OptionList, Static

from coach.services import cases
from coach.tui.app import CoachApp


def _frame(app: CoachApp) -> str:
    return re.sub(r"<[^>]+>", "", app.export_screenshot()).replace("&#160;", " ")


async def test_markup_like_text_is_shown_as_typed_in_the_cases_screen(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "[/x]", summary="[/y]", areas=[("[/t] drinking", "[/c]", "[/g]")])
        cases.add_reading(app.store, case.areas[0].id, "2026-11-01", 4, by_whom="[/w]", note="[/n]")
        app.push_screen("cases")
        await pilot.pause(0.5)
        screen = app.screen
        assert screen.query_one("#case-list", OptionList).option_count == 1
        frame = _frame(app)
        assert "[/x]" in frame and "\\[" not in frame
        assert "[/t] drinking" in frame
        # The reading form: a score that is not a number gives the form's message, with the text as typed.
        await pilot.press("r")
        await pilot.pause(0.3)
        await pilot.press(*"[/q]", "ctrl+s")
        await pilot.pause(0.3)
        error = app.screen.query_one("#form-error", Static)
        assert "[/q]" in str(error.render()) and "1 to 10" in str(error.render())
        assert "[/q]" in _frame(app)  # scrolled into view at 80x24
        await pilot.press("escape")
        # A new case whose reference is taken: the message names it as typed; a new one is created and announced.
        await pilot.press("n")
        await pilot.pause(0.3)
        await pilot.press(*"[/x]", "ctrl+s")
        await pilot.pause(0.3)
        assert "[/x]" in str(app.screen.query_one("#form-error", Static).render())
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause(0.3)
        await pilot.press(*"[/z]", "ctrl+s")
        await pilot.pause(0.5)
        assert app.is_running and app.screen is screen
        assert any("[/z]" in str(n.message) for n in app._notifications)
        assert [c.reference for c in cases.list_cases(app.store)] == ["[/x]", "[/z]"]
