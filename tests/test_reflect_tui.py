"""Pilot test of the reflect screen at 80x24: choose a case, write answers (draft saved and shown), see the
inline area links, finish, confirm a link; everything checked in the database."""

from __future__ import annotations

import re

from coach.services import cases
from coach.services import reflection as R
from coach.tui.app import CoachApp
from coach.tui.screens.reflect import ReflectScreen

AREAS = [
    (
        "Home conditions",
        "The kitchen is dirty and there is often no food in the house.",
        "The home is clean and there is food for regular meals.",
    ),
    (
        "School attendance",
        "Mali misses a day of school most weeks and is often late.",
        "Mali goes to school every day and arrives on time.",
    ),
]


async def test_write_finish_and_confirm_a_reflection(sqlite_url: str, tagger) -> None:
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-601", areas=AREAS)
        home = case.area("Home conditions")
        screen = ReflectScreen()
        await app.push_screen(screen)
        await pilot.pause()
        olist = screen.query_one("#choose-list")
        olist.highlighted = next(i for i, o in enumerate(olist.options) if o.id == f"case-{case.id}")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step == "write"
        await pilot.press(*"We had a cup of tea. There was food in the fridge.")
        await pilot.pause(1.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Draft saved" in str(screen.query_one("#draft-status").render())
        draft = R.drafts(app.store, case.id)[0]
        assert draft.answers["what-happened"] == "We had a cup of tea. There was food in the fridge."
        chips = " | ".join(str(o.prompt) for o in screen.query_one("#inline-links").options)
        assert "Home conditions" in chips and "fridge" in chips
        assert "cup of tea" not in chips
        # Next prompts: readiness, then the first area with its scale reading.
        await pilot.press("ctrl+n", "ctrl+n")
        assert "Home conditions" in str(screen.query_one("#prompt-text").render())
        await pilot.press(*"The hallway was clear of bin bags.")
        await pilot.press("tab", "6")
        await pilot.press("ctrl+f")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.step == "review"
        finished = R.get(app.store, draft.id)
        assert finished.status == "final"
        assert [r.score for r in cases.get_case(app.store, case.id).area(home.id).readings] == [6]
        rows = [str(o.prompt) for o in screen.query_one("#link-list").options]
        fridge_row = next(i for i, r in enumerate(rows) if "fridge" in r)
        assert "Home conditions" in rows[fridge_row]
        assert any("cup of tea" in r and "no area" in r for r in rows)
        screen.query_one("#link-list").highlighted = fridge_row
        await pilot.press("c")
        await pilot.pause()
        stored = {x.sentence: x for x in R.links(app.store, draft.id) if x.area_id == home.id}
        assert stored["There was food in the fridge."].status == "confirmed"
        assert stored["There was food in the fridge."].decided_at is not None
        assert "confirmed" in str(screen.query_one("#link-list").options[fridge_row].prompt)


async def _open_reflect(app: CoachApp, pilot, option_id: str) -> ReflectScreen:
    screen = ReflectScreen()
    await app.push_screen(screen)
    await pilot.pause()
    olist = screen.query_one("#choose-list")
    olist.highlighted = next(i for i, o in enumerate(olist.options) if o.id == option_id)
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == "write"
    return screen


async def _settle(app: CoachApp, pilot) -> None:
    await pilot.pause(1.0)
    await app.workers.wait_for_complete()
    await pilot.pause()


def _inline_rows(screen: ReflectScreen) -> list[str]:
    return [str(o.prompt) for o in screen.query_one("#inline-links").options]


def _highlight(screen: ReflectScreen, *words: str) -> None:
    rows = _inline_rows(screen)
    screen.query_one("#inline-links").highlighted = next(i for i, r in enumerate(rows) if all(w in r for w in words))


async def test_decide_links_while_writing_survives_restart_and_finish(sqlite_url: str, tagger) -> None:
    """Confirm, reject and add links with the keyboard while writing; each decision is in the database at
    once, a new app (as after a killed process) shows them again, and the finished reflection keeps them."""
    answer = "We had a cup of tea. There was food in the fridge. Mali was late for school twice this week."
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-602", areas=AREAS)
        home, school = case.area("Home conditions"), case.area("School attendance")
        screen = await _open_reflect(app, pilot, f"case-{case.id}")
        await pilot.press(*answer)
        await _settle(app, pilot)
        rows = _inline_rows(screen)
        assert any("Home conditions" in r and "fridge" in r and "[suggested]" in r for r in rows), rows
        assert any("School attendance" in r and "late for school" in r for r in rows), rows
        # c and x do nothing while typing (they are letters of the answer).
        assert screen.check_action("confirm_link", ()) is False
        await pilot.press("ctrl+g")
        assert screen.focused is screen.query_one("#inline-links")
        assert screen.check_action("confirm_link", ()) is True
        _highlight(screen, "fridge", "Home conditions")
        await pilot.press("c")
        await pilot.pause()
        _highlight(screen, "late for school", "School attendance")
        await pilot.press("x")
        await pilot.pause()
        # Back in the answer: the cursor in the first sentence, Ctrl+L links it to an area picked from a list.
        await pilot.press("ctrl+g")
        assert screen.focused is screen.query_one("#answer")
        await pilot.press("up", "up", "home")  # the answer wraps at 80 columns
        await pilot.press("ctrl+l")
        await pilot.pause()
        picker = app.screen
        assert "cup of tea" in str(picker.query_one("Static").render())
        await pilot.press("enter")  # the first area: Home conditions
        await _settle(app, pilot)
        draft = R.drafts(app.store, case.id)[0]
        stored = {(d.area_id, d.sentence): d.status for d in R.draft_decisions(app.store, draft.id)}
        assert stored == {
            (home.id, "There was food in the fridge."): "confirmed",
            (school.id, "Mali was late for school twice this week."): "rejected",
            (home.id, "We had a cup of tea."): "added",
        }
        rows = _inline_rows(screen)
        assert any("[confirmed]" in r and "fridge" in r for r in rows), rows
        assert any("[rejected]" in r and "late for school" in r for r in rows), rows
        assert any("[added]" in r and "cup of tea" in r for r in rows), rows
        # The decisions are feedback for the case at once.
        feedback = {(f.area, f.sentence, f.status) for f in R.case_feedback(app.store, case.id)}
        assert (str(home.id), "We had a cup of tea.", "added") in feedback

    # A new process: the draft and its decisions are back, shown inline.
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_reflect(app, pilot, f"draft-{draft.id}")
        await _settle(app, pilot)
        rows = _inline_rows(screen)
        assert any("[confirmed]" in r and "fridge" in r for r in rows), rows
        assert any("[rejected]" in r and "late for school" in r for r in rows), rows
        assert any("[added]" in r and "cup of tea" in r for r in rows), rows
        await pilot.press("ctrl+f")
        await _settle(app, pilot)
        assert screen.step == "review"
        text = R.get(app.store, draft.id).text
        final = {(x.area_id, x.sentence): x for x in R.links(app.store, draft.id)}
        fridge = final[(home.id, "There was food in the fridge.")]
        assert fridge.status == "confirmed" and text[fridge.start : fridge.end] == fridge.sentence
        assert final[(school.id, "Mali was late for school twice this week.")].status == "rejected"
        tea = final[(home.id, "We had a cup of tea.")]
        assert tea.status == "added" and text[tea.start : tea.end] == "We had a cup of tea."
        rows = [str(o.prompt) for o in screen.query_one("#link-list").options]
        assert any("[added]" in r and "cup of tea" in r for r in rows), rows


async def test_area_picker_is_a_dimmed_overlay_driven_by_the_keyboard(sqlite_url: str, tagger) -> None:
    """Ctrl+L opens the change-area picker over the reflect screen: the prompt and the answer stay visible
    (dimmed) around it, Escape closes it without linking, arrows + Enter link to the chosen area."""
    from textual.screen import ModalScreen

    from coach.tui.widgets.reflect_area_picker import AreaPicker

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-603", areas=AREAS)
        school = case.area("School attendance")
        screen = await _open_reflect(app, pilot, f"case-{case.id}")
        await pilot.press(*"Mali was late twice.")
        await _settle(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, AreaPicker) and isinstance(app.screen, ModalScreen)
        assert app.screen.styles.background.a < 1
        frame = re.sub(r"<[^>]+>", "", app.export_screenshot()).replace("&#160;", " ")
        assert "What happened on the visit?" in frame  # the reflect screen shows through around the dialog
        assert "Esc cancel" in frame
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        draft = R.drafts(app.store, case.id)[0]
        assert R.draft_decisions(app.store, draft.id) == []
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second area: School attendance
        await _settle(app, pilot)
        assert app.screen is screen
        stored = {(d.area_id, d.sentence): d.status for d in R.draft_decisions(app.store, draft.id)}
        # "confirmed" when the linker had suggested the same area for it, "added" otherwise.
        assert stored == {(school.id, "Mali was late twice."): stored.get((school.id, "Mali was late twice."))}
        assert stored[(school.id, "Mali was late twice.")] in {"confirmed", "added"}


async def test_the_answer_cannot_change_while_it_is_being_finished(sqlite_url: str, tagger) -> None:
    """What is stored is what was finished: the answer is read-only from Ctrl+F until the reflection is stored
    (typing then would change a draft that no longer exists), and writable again afterwards."""
    from textual.widgets import TextArea

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        case = cases.create_case(app.store, "GW-2026-604", areas=AREAS)
        screen = await _open_reflect(app, pilot, f"case-{case.id}")
        await pilot.press(*"There was food in the fridge.")
        await _settle(app, pilot)
        answer = screen.query_one("#answer", TextArea)
        screen.action_finish()  # the finishing worker has started, not finished
        assert answer.read_only and screen.query_one("#scale").disabled
        await _settle(app, pilot)
        assert screen.step == "review"
        assert not answer.read_only
