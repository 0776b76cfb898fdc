"""The cases screen: cases under pseudonymous references, their change areas, scale readings over time.

One case at a time (chosen on the left), one change area at a time (previous/next with [ and ]): what is not
good enough now, what good enough looks like, a chart of the area's "steps to change" readings, and the
reflections linked to the area, newest first. Everything is done with the keyboard and fits 80x24; forms are
modal screens from coach/tui/widgets/cases_forms.py and every change goes through coach.services.cases.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from coach.errors import CoachError
from coach.tui.widgets.cases_forms import (
    AreaForm,
    AreaValues,
    CaseForm,
    CaseValues,
    ReadingForm,
    ReadingValues,
)


class CasesScreen(Screen):
    CSS_PATH = "cases.tcss"
    BINDINGS = [
        Binding("n", "new_case", "New case", id="cases.new", tooltip="Create a case (pseudonymous reference)"),
        Binding("e", "edit_case", "Edit case", id="cases.edit", tooltip="Change the case reference or summary"),
        Binding("a", "add_area", "Add area", id="cases.add_area", tooltip="Add a change area to this case"),
        Binding("t", "edit_area", "Edit area", id="cases.edit_area", tooltip="Edit the change area shown"),
        Binding("r", "add_reading", "Reading", id="cases.reading", tooltip="Add a scale reading to this area"),
        Binding("left_square_bracket", "prev_area", "Prev area", id="cases.prev", tooltip="Previous change area"),
        Binding("right_square_bracket", "next_area", "Next area", id="cases.next", tooltip="Next change area"),
        Binding("escape", "back", "Back", id="cases.back", tooltip="Go back"),
    ]
    HELP = """\
# Cases

Each case has a **pseudonymous reference** (never a family's real name) and, typically, three **change areas**
agreed at the case conference: what is *not good enough now*, and what *good enough* would look like.

- **n** new case, **e** edit the case
- **a** add a change area, **t** edit the area shown, **[ ]** previous / next area
- **r** add a scale reading (steps to change, 1-10, with date, by whom and a note)
- The chart shows the area's readings over time; below it, the reflections linked to the area, newest first.
- **Esc** goes back.
"""

    def __init__(self) -> None:
        super().__init__()
        self._cases: list[Any] = []
        self._case: Any = None
        self._area_index = 0

    # ---- layout ----
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="cases-left"):
                yield Static("[b]Cases[/b]", id="cases-heading")
                yield OptionList(id="case-list")
            with VerticalScroll(id="case-detail"):
                yield Static("", id="case-title")
                yield Static("", id="area-info")
                yield _chart()
                yield Static("", id="area-reflections")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_cases()
        self.query_one("#case-list", OptionList).focus()

    @property
    def store(self) -> Any:
        return getattr(self.app, "store", None)

    # ---- data ----
    def refresh_cases(self, select_id: int | None = None) -> None:
        from coach.services.cases import list_cases

        option_list = self.query_one("#case-list", OptionList)
        option_list.clear_options()
        if self.store is None:
            self._cases = []
            self._show_message("The database is not open, so cases cannot be shown.")
            return
        try:
            self._cases = list_cases(self.store)
        except CoachError as exc:
            self._show_message(str(exc))
            return
        for c in self._cases:
            label = c.reference + (" (closed)" if c.closed else "")
            option_list.add_option(Option(_esc(label), id=str(c.id)))
        if not self._cases:
            self._case = None
            self._show_message("No cases yet. Press [b]n[/b] to create one with a pseudonymous reference.", markup=True)
            return
        wanted = select_id if select_id is not None else (self._case.id if self._case else self._cases[0].id)
        index = next((i for i, c in enumerate(self._cases) if c.id == wanted), 0)
        option_list.highlighted = index
        self._select(self._cases[index])

    def _select(self, case: Any) -> None:
        from coach.services.cases import get_case

        if self._case is None or self._case.id != case.id:
            self._area_index = 0
        self._case = get_case(self.store, case.id)
        self._render_case()

    def _show_message(self, message: str, markup: bool = False) -> None:
        self.query_one("#case-title", Static).update(message if markup else _esc(message))
        self.query_one("#area-info", Static).update("")
        self.query_one("#area-reflections", Static).update("")
        self._draw_chart(None)

    def _current_area(self) -> Any:
        if self._case is None or not self._case.areas:
            return None
        self._area_index %= len(self._case.areas)
        return self._case.areas[self._area_index]

    def _render_case(self) -> None:
        from coach.services.report import Reading, trend

        case = self._case
        title = f"[b]{_esc(case.reference)}[/b]"
        if case.summary:
            title += f"  {_esc(_short(case.summary, 110))}"
        area = self._current_area()
        if area is None:
            self.query_one("#case-title", Static).update(title)
            self.query_one("#area-info", Static).update("No change areas yet. Press [b]a[/b] to add one.")
            self.query_one("#area-reflections", Static).update("")
            self._draw_chart(None)
            return
        n = len(case.areas)
        title += f"\nArea {self._area_index + 1} of {n}  ([ ] to move)"
        self.query_one("#case-title", Static).update(title)
        readings = [Reading(r.reading_date, r.score, r.by_whom, r.note) for r in area.readings]
        latest = area.latest
        latest_text = "no reading yet"
        if latest is not None:
            who = f" by {latest.by_whom}" if latest.by_whom else ""
            latest_text = f"{latest.score}/10 on {latest.reading_date.isoformat()}{who}"
            if latest.note:
                latest_text += f" ({latest.note})"
        lines = [
            f"[b]{_esc(area.title)}[/b]",
            f"Not good enough now: {_esc(area.concern or '(not recorded)')}",
            f"Good enough: {_esc(area.good_enough or '(not recorded)')}",
            f"Latest reading: {_esc(latest_text)}",
        ]
        t = trend(readings)
        if t:
            lines.append(f"Trend: {_esc(t)}")
        self.query_one("#area-info", Static).update("\n".join(lines))
        self._draw_chart(area)
        self._render_reflections(area)

    def _render_reflections(self, area: Any) -> None:
        from coach.services.reflection import area_reflections

        evidence = area_reflections(self.store, area.id)
        if not evidence:
            text = "Reflections linked to this area: none yet."
        else:
            lines = ["[b]Reflections linked to this area (newest first)[/b]"]
            for ev in evidence[:10]:
                mark = "confirmed" if ev.confirmed else "suggested"
                first = ev.sentences[0] if ev.sentences else ""
                more = f" (+{len(ev.sentences) - 1} more)" if len(ev.sentences) > 1 else ""
                lines.append(f"{ev.visit_date.isoformat()} ({mark}) {_esc(_short(first, 60))}{more}")
            text = "\n".join(lines)
        self.query_one("#area-reflections", Static).update(text)

    def _draw_chart(self, area: Any) -> None:
        chart = self.query_one("#area-chart")
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure() if hasattr(plt, "clear_figure") else None
        if area is None or not area.readings:
            plt.title("No readings yet" if area is not None else "")
            chart.refresh()
            return
        dates = [r.reading_date.strftime("%d/%m/%Y") for r in area.readings]
        plt.date_form("d/m/Y")
        scores = [r.score for r in area.readings]
        plt.plot(dates, scores, marker="braille")
        plt.scatter(dates, scores, marker="●")
        plt.ylim(1, 10)
        plt.yticks([1, 4, 7, 10])
        plt.title(f"Steps to change: {area.title}")
        chart.refresh()

    # ---- events ----
    @on(OptionList.OptionHighlighted, "#case-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        case = next((c for c in self._cases if str(c.id) == event.option.id), None)
        if case is not None and (self._case is None or self._case.id != case.id):
            self._select(case)

    # ---- actions ----
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_prev_area(self) -> None:
        if self._case and self._case.areas:
            self._area_index = (self._area_index - 1) % len(self._case.areas)
            self._render_case()

    def action_next_area(self) -> None:
        if self._case and self._case.areas:
            self._area_index = (self._area_index + 1) % len(self._case.areas)
            self._render_case()

    def action_new_case(self) -> None:
        if self.store is None:
            self.notify("The database is not open.", severity="error")
            return
        created: dict[str, Any] = {}

        def check(values: CaseValues) -> str | None:
            from coach.services.cases import create_case

            try:
                created["case"] = create_case(self.store, values.reference, values.summary)
            except CoachError as exc:
                return str(exc)
            return None

        def done(values: CaseValues | None) -> None:
            if values is not None and "case" in created:
                self.notify(f"Case {created['case'].reference} created.")
                self.refresh_cases(select_id=created["case"].id)

        self.app.push_screen(CaseForm(check=check), done)

    def action_edit_case(self) -> None:
        case = self._case
        if case is None:
            self.notify("Choose or create a case first.", severity="warning")
            return

        def check(values: CaseValues) -> str | None:
            from coach.services.cases import update_case

            try:
                update_case(self.store, case.id, reference=values.reference, summary=values.summary)
            except CoachError as exc:
                return str(exc)
            return None

        def done(values: CaseValues | None) -> None:
            if values is not None:
                self.refresh_cases(select_id=case.id)

        self.app.push_screen(CaseForm(case.reference, case.summary, check=check), done)

    def action_add_area(self) -> None:
        case = self._case
        if case is None:
            self.notify("Choose or create a case first.", severity="warning")
            return

        def check(values: AreaValues) -> str | None:
            from coach.services.cases import add_area

            try:
                add_area(self.store, case.id, values.title, values.concern, values.good_enough)
            except CoachError as exc:
                return str(exc)
            return None

        def done(values: AreaValues | None) -> None:
            if values is not None:
                self._area_index = len(case.areas)
                self.refresh_cases(select_id=case.id)

        self.app.push_screen(AreaForm(check=check), done)

    def action_edit_area(self) -> None:
        area = self._current_area()
        if area is None:
            self.notify("This case has no change area yet: press a to add one.", severity="warning")
            return

        def check(values: AreaValues) -> str | None:
            from coach.services.cases import update_area

            try:
                update_area(
                    self.store,
                    area.id,
                    title=values.title,
                    concern=values.concern,
                    good_enough=values.good_enough,
                )
            except CoachError as exc:
                return str(exc)
            return None

        def done(values: AreaValues | None) -> None:
            if values is not None:
                self.refresh_cases(select_id=self._case.id)

        self.app.push_screen(AreaForm(area.title, area.concern, area.good_enough, check=check), done)

    def action_add_reading(self) -> None:
        area = self._current_area()
        if area is None:
            self.notify("This case has no change area yet: press a to add one.", severity="warning")
            return

        def check(values: ReadingValues) -> str | None:
            from coach.services.cases import add_reading

            try:
                add_reading(self.store, area.id, values.reading_date, values.score, values.by_whom, values.note)
            except CoachError as exc:
                return str(exc)
            return None

        def done(values: ReadingValues | None) -> None:
            if values is not None:
                self.notify("Reading saved.")
                self.refresh_cases(select_id=self._case.id)

        settings = getattr(self.app, "settings", None)
        self.app.push_screen(ReadingForm(area.title, getattr(settings, "practitioner", ""), check=check), done)


def _chart() -> Any:
    from textual_plotext import PlotextPlot

    return PlotextPlot(id="area-chart")


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
