"""A database that becomes locked while someone types: nothing typed is lost and the screen says so.

Real SQLite file, locked by a second connection holding BEGIN EXCLUSIVE (as another program would), with a short
busy timeout so the test does not wait five seconds per attempt."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from coach.services import cases
from coach.services import reflection as R
from coach.tui.app import CoachApp
from coach.tui.screens.reflect import ReflectScreen

AREAS = [("Home conditions", "The kitchen is dirty.", "The home is clean and there is food.")]


@pytest.fixture(autouse=True)
def _short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DB_BUSY_TIMEOUT", "0.2")


@contextmanager
def locked(url: str):
    """Hold a write lock on the SQLite file, as another program would."""
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _text(widget: Static) -> str:
    return str(widget.render())


async def _wait(pilot, condition, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the screen")


async def _open_new_reflection(app: CoachApp, pilot, case_id: int) -> ReflectScreen:
    screen = ReflectScreen()
    await app.push_screen(screen)
    await pilot.pause()
    olist = screen.query_one("#choose-list", OptionList)
    olist.highlighted = next(i for i, o in enumerate(olist.options) if o.id == f"case-{case_id}")
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == "write"
    return screen


async def test_reflection_typed_while_locked_stays_on_screen_and_is_saved_once_free(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-701", areas=AREAS)
        screen = await _open_new_reflection(app, pilot, case.id)
        status = screen.query_one("#draft-status", Static)
        with locked(sqlite_url):
            await pilot.press(*"Dad was calm today.")
            await _wait(pilot, lambda: "Not saved yet" in _text(status))
            assert "locked by another program" in _text(status)
            # Esc does not leave the text behind, and nothing else was stored.
            await pilot.press("escape")
            await pilot.pause()
            assert screen.step == "write" and app.screen is screen
            assert screen.query_one("#answer", TextArea).text == "Dad was calm today."
            # Quitting asks first (the draft is not saved), and the app stays open.
            await app.action_quit()
            await pilot.pause()
            assert app.is_running and app.screen is screen
            assert any("Ctrl+Q again" in str(n.message) for n in app._notifications)
            await pilot.press(*" He made tea.")
        # The lock is gone: the retry saves everything that was typed, and says so.
        await _wait(pilot, lambda: "Draft saved" in _text(status))
        draft = R.drafts(app.store, case.id)[0]
        assert draft.answers["what-happened"] == "Dad was calm today. He made tea."
        assert "saving works again" in _text(status)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.step == "choose"


async def test_quitting_twice_while_locked_writes_the_text_to_a_file(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-702", areas=AREAS)
        screen = await _open_new_reflection(app, pilot, case.id)
        with locked(sqlite_url):
            await pilot.press(*"Mum had not been drinking.")
            await _wait(pilot, lambda: "Not saved yet" in _text(screen.query_one("#draft-status", Static)))
            await app.action_quit()
            await pilot.pause()
            assert app.is_running
            await app.action_quit()
            await pilot.pause()
    from coach.paths import data_dir

    written = list((data_dir() / "recovered").glob("unsaved-reflection-*.txt"))
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8")
    assert "What happened on the visit?" in text and "Mum had not been drinking." in text


async def test_rehearsal_line_sent_while_locked_stays_in_the_box(sqlite_url: str, tagger) -> None:
    from coach.services.rehearsal import RehearsalService
    from coach.tui.screens.rehearse import RehearseScreen

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.store_ready)
        screen = RehearseScreen(scenario_id="drinking-toddler")
        await app.push_screen(screen)
        await _wait(pilot, lambda: screen.rehearsal_id is not None)
        rid = screen.rehearsal_id
        say = screen.query_one("#say", Input)
        say.focus()
        with locked(sqlite_url):
            await pilot.press(*"How has your week been?")
            await pilot.press("enter")
            await pilot.pause()
            status = _text(screen.query_one("#status", Static))
            assert "Not sent" in status and "still in the box" in status and "locked" in status
            assert say.value == "How has your week been?"
        service = RehearsalService(app.store, tagger)
        assert [t.text for t in service.get(rid).turns if t.speaker == "practitioner"] == []
        await pilot.press("enter")  # the lock is gone: the same line goes through
        await _wait(pilot, lambda: not screen.waiting and say.value == "")
        await _wait(pilot, lambda: service.get(rid).pending is None)
        said = [t.text for t in service.get(rid).turns if t.speaker == "practitioner"]
        assert said == ["How has your week been?"]


async def test_an_answer_that_could_not_be_stored_is_asked_for_again(sqlite_url: str, tagger) -> None:
    """The line is stored but the database locks before their answer is: the screen says so, and Enter on the
    empty box asks again once the database is free."""
    from coach.services.rehearsal import RehearsalService
    from coach.tui.screens.rehearse import RehearseScreen

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.store_ready)
        service = RehearsalService(app.store, tagger)
        rid = service.start("drinking-toddler")
        service.record_practitioner_turn(rid, "What would a good evening look like for you?")
        with locked(sqlite_url):
            screen = RehearseScreen(rehearsal_id=rid)
            await app.push_screen(screen)  # resuming a rehearsal with an unanswered line asks for the answer
            await _wait(pilot, lambda: screen.reply_failed)
            status = _text(screen.query_one("#status", Static))
            assert "No answer yet" in status and "Enter on the empty box asks again" in status
        assert service.get(rid).pending is not None
        screen.query_one("#say", Input).focus()
        await pilot.press("enter")
        await _wait(pilot, lambda: service.get(rid).pending is None)
        turns = service.get(rid).turns
        assert [t.speaker for t in turns][-2:] == ["practitioner", "persona"]
        assert [t.text for t in turns if t.speaker == "practitioner"] == [
            "What would a good evening look like for you?"
        ]


async def test_a_case_form_saved_while_locked_stays_open_with_what_was_typed(sqlite_url: str) -> None:
    from coach.tui.widgets.cases_forms import CaseForm

    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.store_ready)
        app.push_screen("cases")
        await pilot.pause(0.3)
        await pilot.press("n")
        await pilot.pause(0.3)
        with locked(sqlite_url):
            await pilot.press(*"GW-2026-703", "ctrl+s")
            await pilot.pause(0.3)
            assert isinstance(app.screen, CaseForm)
            assert "locked by another program" in _text(app.screen.query_one("#form-error", Static))
            assert app.screen.query_one("#case-reference", Input).value == "GW-2026-703"
        assert cases.list_cases(app.store) == []
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, CaseForm)
        assert [c.reference for c in cases.list_cases(app.store)] == ["GW-2026-703"]


async def test_quitting_twice_with_an_unsent_rehearsal_line_writes_it_to_a_file(sqlite_url: str, tagger) -> None:
    from coach.paths import data_dir
    from coach.tui.screens.rehearse import RehearseScreen

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.store_ready)
        screen = RehearseScreen(scenario_id="drinking-toddler")
        await app.push_screen(screen)
        await _wait(pilot, lambda: screen.rehearsal_id is not None)
        screen.query_one("#say", Input).focus()
        with locked(sqlite_url):
            await pilot.press(*"What helps on the hard evenings?", "enter")
            await pilot.pause()
            await app.action_quit()
            await pilot.pause()
            assert app.is_running
            assert any("rehearsal line is not sent" in str(n.message) for n in app._notifications)
            await app.action_quit()
            await pilot.pause()
    written = list((data_dir() / "recovered").glob("unsent-rehearsal-*.txt"))
    assert len(written) == 1 and "What helps on the hard evenings?" in written[0].read_text(encoding="utf-8")
