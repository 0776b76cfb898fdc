"""The case report for a core group or a review conference: each change area with its evidence and progress.

For every area of the case: what is not good enough now, what good enough looks like, the latest "steps to
change" reading and its trend ("4 -> 6 over 5 weeks, rising"), and excerpts from finished reflections linked
to the area (links the practitioner confirmed or added first, then suggestions; rejected links never
appear). Rendered as Markdown (to paste into minutes) or as a self-contained HTML page with every value
escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coach.errors import CoachError

MAX_EXCERPTS = 8
STATUS_ORDER = {"confirmed": 0, "added": 0, "suggested": 1}


class ReportError(CoachError):
    """The report cannot be made (unknown case, unknown format)."""


@dataclass
class Reading:
    reading_date: date
    score: int
    by_whom: str
    note: str


@dataclass
class Excerpt:
    visit_date: date
    sentence: str
    status: str
    score: float | None


@dataclass
class AreaReport:
    id: int
    title: str
    concern: str
    good_enough: str
    readings: list[Reading] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None


@dataclass
class CaseReport:
    reference: str
    summary: str
    areas: list[AreaReport]
    made_on: date


def trend(readings: list[Reading]) -> str:
    """'4 -> 6 over 5 weeks, rising'; 'one reading so far'; '' when there is none."""
    if not readings:
        return ""
    if len(readings) == 1:
        return "one reading so far"
    first, last = readings[0], readings[-1]
    days = (last.reading_date - first.reading_date).days
    if days >= 14:
        span = f"{round(days / 7)} weeks"
    elif days == 1:
        span = "1 day"
    else:
        span = f"{days} days"
    direction = "rising" if last.score > first.score else "falling" if last.score < first.score else "steady"
    return f"{first.score} -> {last.score} over {span}, {direction}"


def build(store: Any, ref: str, today: date | None = None) -> CaseReport:
    """The report's content for a case given by reference or id (CaseError names the known cases)."""
    from sqlmodel import select

    from coach.services.cases import get_case
    from coach.store.models import AreaLink, Reflection

    case = get_case(store, ref)
    out: list[AreaReport] = []
    with store.session() as s:
        for a in case.areas:
            rows = s.exec(
                select(AreaLink, Reflection)
                .join(Reflection, AreaLink.reflection_id == Reflection.id)
                .where(
                    AreaLink.area_id == a.id,
                    AreaLink.status.in_(tuple(STATUS_ORDER)),
                    AreaLink.start.is_not(None),  # decision on a sentence edited away before finishing
                    Reflection.status == "final",
                )
            ).all()
            excerpts = [Excerpt(r.visit_date, link.sentence, link.status, link.score) for link, r in rows]
            excerpts.sort(key=lambda e: (STATUS_ORDER[e.status], -e.visit_date.toordinal(), -(e.score or 0.0)))
            seen: set[str] = set()
            unique = []
            for e in excerpts:
                if e.sentence and e.sentence not in seen:
                    seen.add(e.sentence)
                    unique.append(e)
            out.append(
                AreaReport(
                    a.id,
                    a.title,
                    a.concern,
                    a.good_enough,
                    [Reading(x.reading_date, x.score, x.by_whom, x.note) for x in a.readings],
                    unique[:MAX_EXCERPTS],
                )
            )
    return CaseReport(case.reference, case.summary or "", out, today or date.today())


def _reading_line(a: AreaReport) -> str:
    latest = a.latest
    if latest is None:
        return "no reading yet"
    who = f" by {latest.by_whom}" if latest.by_whom else ""
    return f"{latest.score}/10 on {latest.reading_date.isoformat()}{who}"


def _excerpt_label(e: Excerpt) -> str:
    return "confirmed" if e.status in ("confirmed", "added") else "suggested"


def to_markdown(report: CaseReport) -> str:
    lines = [f"# Case {report.reference}: progress on the areas of change", ""]
    if report.summary:
        lines += [report.summary, ""]
    lines += [f"Prepared {report.made_on.isoformat()} for the core group / review conference.", ""]
    if not report.areas:
        lines += ["No change areas have been recorded for this case yet.", ""]
    for i, a in enumerate(report.areas, 1):
        lines += [f"## {i}. {a.title}", ""]
        lines += [f"- **Not good enough now:** {a.concern or '(not recorded)'}"]
        lines += [f"- **Good enough would be:** {a.good_enough or '(not recorded)'}"]
        lines += [f"- **Latest reading:** {_reading_line(a)}"]
        t = trend(a.readings)
        if t:
            lines += [f"- **Trend:** {t}"]
        if a.latest and a.latest.note:
            lines += [f"- **Note:** {a.latest.note}"]
        lines += ["", "**Evidence from reflections:**", ""]
        if not a.excerpts:
            lines += ["- No reflection has been linked to this area yet."]
        for e in a.excerpts:
            lines += [f"- {e.visit_date.isoformat()} ({_excerpt_label(e)}): \u201c{e.sentence}\u201d"]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(report: CaseReport) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>Case {esc(report.reference)}: progress on the areas of change</title>",
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}"
        "dt{font-weight:bold}.suggested{color:#555}</style>",
        "</head><body>",
        f"<h1>Case {esc(report.reference)}: progress on the areas of change</h1>",
    ]
    if report.summary:
        parts.append(f"<p>{esc(report.summary)}</p>")
    parts.append(f"<p>Prepared {esc(report.made_on.isoformat())} for the core group / review conference.</p>")
    if not report.areas:
        parts.append("<p>No change areas have been recorded for this case yet.</p>")
    for i, a in enumerate(report.areas, 1):
        parts.append(f"<h2>{i}. {esc(a.title)}</h2><dl>")
        parts.append(f"<dt>Not good enough now</dt><dd>{esc(a.concern or '(not recorded)')}</dd>")
        parts.append(f"<dt>Good enough would be</dt><dd>{esc(a.good_enough or '(not recorded)')}</dd>")
        parts.append(f"<dt>Latest reading</dt><dd>{esc(_reading_line(a))}</dd>")
        t = trend(a.readings)
        if t:
            parts.append(f"<dt>Trend</dt><dd>{esc(t.replace('->', '→'))}</dd>")
        if a.latest and a.latest.note:
            parts.append(f"<dt>Note</dt><dd>{esc(a.latest.note)}</dd>")
        parts.append("</dl><h3>Evidence from reflections</h3><ul>")
        if not a.excerpts:
            parts.append("<li>No reflection has been linked to this area yet.</li>")
        for e in a.excerpts:
            label = _excerpt_label(e)
            parts.append(
                f'<li class="{label}">{esc(e.visit_date.isoformat())} ({label}): \u201c{esc(e.sentence)}\u201d</li>'
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(store: Any, ref: str, fmt: str = "md", today: date | None = None) -> str:
    report = build(store, ref, today)
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    raise ReportError(f"Unknown report format '{fmt}': use md or html.")
