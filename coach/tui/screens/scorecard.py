"""The scorecard after a rehearsal: MITI-style figures against fair/good, talk, key moments, what to
practise.

Why this exists: feedback straight after the practice is when it helps most; showing past scorecards for
the same scenario makes progress visible over time. The data comes from coach.services.scorecard (stored
on the rehearsal).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown


def _figure(m: dict[str, Any], suffix: str = "") -> str:
    value = m.get("value")
    if value is None:  # nothing to divide by: the rating says why ("n/a (no questions)")
        return f"**{m['rating']}**"
    return f"{value:g}{suffix} (fair {m['fair']:g}{suffix}, good {m['good']:g}{suffix}): **{m['rating']}**"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render(card: dict[str, Any], title: str = "", past: list[dict[str, Any]] | None = None) -> str:
    """The scorecard as Markdown."""
    m = card["metrics"]
    lines = [f"# Scorecard{': ' + title if title else ''}", ""]
    trust, res = card.get("trust", {}), card.get("resistance", {})
    lines.append(
        f"Trust {trust.get('start')} -> {trust.get('end')}, resistance {res.get('start')} -> {res.get('end')}. "
        f"Goal reached: **{'yes' if card.get('goal_reached') else 'not yet'}**."
    )
    lines += [
        "",
        "## MITI-style figures",
        f"- Reflections to questions: {_figure(m['reflection_to_question'], ':1')} "
        f"({_count(m.get('reflections', 0), 'reflection')}, {_count(m.get('questions', 0), 'question')})",
        f"- Complex reflections: {_figure(m['percent_complex'], '%')}",
        f"- Open questions: {_figure(m['percent_open'], '%')}",
        f"- MI-adherent {m['mi_adherent']}, MI-non-adherent {m['mi_non_adherent']}: **{m['adherence']}**",
        "",
        "## What they said",
        f"- Change talk {card['talk']['change']}, sustain talk {card['talk']['sustain']}, "
        f"discord {card['talk']['discord']}",
        "",
        "## Techniques you used",
    ]
    techniques = card.get("techniques") or {}
    lines += [f"- {tag.replace('_', ' ')}: {n}" for tag, n in techniques.items()] or ["- none recognised"]
    lines += ["", "## Key moments"]
    for moment in card.get("key_moments") or []:
        lines.append(f'- {moment["kind"]} ({moment["trust_change"]:+g}): you said "{moment["you_said"]}"')
        lines.append(f'  - they said "{moment["they_said"]}"')
    if not card.get("key_moments"):
        lines.append("- none: trust did not move")
    tip = card.get("practise_next") or {}
    lines += [
        "",
        "## Practise next",
        f"**{tip.get('tag', '').replace('_', ' ')}**: {tip.get('why', '')} {tip.get('how', '')}",
    ]
    if tip.get("example"):
        lines.append(f'\nFor example: "{tip["example"]}"')
    if past and len(past) > 1:
        lines += ["", "## Your scorecards for this scenario"]
        for row in past[-5:]:
            c = row["scorecard"] or {}
            rq = (c.get("metrics") or {}).get("reflection_to_question", {}).get("value")
            lines.append(
                f"- #{row['rehearsal_id']} {str(row['ended_at'])[:10]}: R:Q {rq if rq is not None else 'n/a'}, "
                f"change talk {(c.get('talk') or {}).get('change', 0)}, "
                f"trust at end {(c.get('trust') or {}).get('end')}"
            )
    return "\n".join(lines)


class ScorecardScreen(Screen):
    CSS_PATH = "scorecard.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="scorecard.back", tooltip="Back to the rehearsal list")]
    HELP = """\
# Scorecard

The figures follow MITI 4.2.1 (reflections to questions, % complex reflections) with % open questions for
learners, each against the fair and good thresholds. Below: the talk you drew out (change talk against sustain
talk and discord), the techniques you used, the three moments that moved trust most, and one thing to practise
next with an example. Scorecards are stored, so you can compare rehearsals of the same scenario over time.

**Esc** goes back.
"""

    def __init__(self, card: dict[str, Any], title: str = "", past: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.card = card
        self.title_text = title
        self.past = past or []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="card"):
            yield Markdown(render(self.card, self.title_text, self.past), id="card-text")
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()
