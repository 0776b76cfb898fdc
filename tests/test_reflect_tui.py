"""Pilot test of the reflect screen at 80x24: choose a case, write answers (draft saved and shown), see the
inline area links, finish, confirm a link; everything checked in the database."""

from __future__ import annotations

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
        chips = str(screen.query_one("#suggestions").render())
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
