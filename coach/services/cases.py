"""Cases, change areas and scale readings: the use cases the Cases screen, reflections and reports use.

Plain functions over a `Store`. They return detached SQLModel rows (safe to read after the session closed;
their relationships are not loaded) or small frozen dataclasses (`CaseView`, `AreaView`, `WorkspaceCounts`)
when a screen needs a case together with its areas. Every bad input raises `CaseError` (a CoachError) with a
message for the user and changes nothing; database failures come out as `StoreError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from coach.errors import CoachError
from coach.store.db import Store
from coach.store.models import (
    ROLE_VALUES,
    Case,
    ChangeArea,
    Practitioner,
    Reflection,
    Rehearsal,
    ScaleReading,
)

MAX_REFERENCE = 100
MAX_TITLE = 200
MAX_NAME = 200

CaseRef = int | str


class CaseError(CoachError):
    """A wrong case, area or reading input (unknown reference, score out of range, bad date...)."""


@dataclass(frozen=True)
class ReadingView:
    id: int
    area_id: int
    reading_date: date
    score: int
    by_whom: str
    note: str


@dataclass(frozen=True)
class AreaView:
    """A change area with its readings (oldest first) and the latest score."""

    id: int
    case_id: int
    title: str
    concern: str
    good_enough: str
    position: int
    readings: tuple[ReadingView, ...] = ()

    @property
    def latest(self) -> ReadingView | None:
        return self.readings[-1] if self.readings else None

    @property
    def latest_score(self) -> int | None:
        return self.readings[-1].score if self.readings else None


@dataclass(frozen=True)
class CaseView:
    """A case with its owner's name and its change areas in order."""

    id: int
    reference: str
    summary: str
    owner: str | None
    owner_id: int | None
    closed: bool
    created_at: datetime
    areas: tuple[AreaView, ...] = field(default_factory=tuple)

    def area(self, title_or_id: str | int) -> AreaView:
        for area in self.areas:
            if area.id == title_or_id or area.title == title_or_id:
                return area
        titles = ", ".join(a.title for a in self.areas) or "none yet"
        raise CaseError(f"Case {self.reference} has no change area {title_or_id!r} (areas: {titles}).")


@dataclass(frozen=True)
class WorkspaceCounts:
    """What the home screen shows: how much is in the workspace."""

    practitioners: int
    cases: int
    open_cases: int
    areas: int
    readings: int
    reflections: int
    rehearsals: int

    @property
    def empty(self) -> bool:
        return self.cases == 0 and self.reflections == 0 and self.rehearsals == 0


# -- validation helpers ----------------------------------------------------------------------------
def _clean_text(value: object, what: str, *, required: bool, limit: int | None = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CaseError(f"{what} must be text, got {type(value).__name__}.")
    text = value.strip()
    if required and not text:
        raise CaseError(f"{what} cannot be empty.")
    if "\x00" in text:
        raise CaseError(f"{what} contains a NUL character.")
    if limit is not None and len(text) > limit:
        raise CaseError(f"{what} is too long ({len(text)} characters; at most {limit}).")
    return text


def validate_score(value: object) -> int:
    """A scale score as an int 1..10 (accepts "7"); CaseError otherwise."""
    if isinstance(value, bool):
        raise CaseError(f"The score must be a whole number from 1 to 10, got {value!r}.")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise CaseError(f"The score must be a whole number from 1 to 10, got {value!r}.")
    if not 1 <= value <= 10:
        raise CaseError(f"The score must be from 1 to 10, got {value}.")
    return value


def validate_date(value: object, what: str = "The date", *, allow_future: bool = False) -> date:
    """A date from a `date` or an ISO string (YYYY-MM-DD); not in the future unless allowed."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise CaseError(f"{what} must be a date like 2026-03-14, got {value!r}.") from None
    if not isinstance(value, date):
        raise CaseError(f"{what} must be a date like 2026-03-14, got {value!r}.")
    if not allow_future and value > date.today() + timedelta(days=1):
        raise CaseError(f"{what} {value.isoformat()} is in the future.")
    return value


_NAME_LIKE = re.compile(r"^[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)+$")


def reference_warning(reference: str) -> str | None:
    """A warning if a case reference looks like a person's full name rather than a pseudonymous reference."""
    text = reference.strip()
    if _NAME_LIKE.match(text) and not any(ch.isdigit() for ch in text):
        return (
            f"'{text}' looks like a person's name. Use a pseudonymous case reference such as GW-2026-014, "
            "never a family's real name."
        )
    return None


def validate_reference(reference: object) -> str:
    text = _clean_text(reference, "The case reference", required=True, limit=MAX_REFERENCE)
    if "\n" in text or "\t" in text:
        raise CaseError("The case reference must be on one line.")
    return text


# -- conversions -----------------------------------------------------------------------------------
def _reading_view(r: ScaleReading) -> ReadingView:
    assert r.id is not None
    return ReadingView(r.id, r.area_id, r.reading_date, r.score, r.by_whom, r.note)


def _area_view(area: ChangeArea, readings: Iterable[ScaleReading]) -> AreaView:
    assert area.id is not None
    return AreaView(
        id=area.id,
        case_id=area.case_id,
        title=area.title,
        concern=area.concern,
        good_enough=area.good_enough,
        position=area.position,
        readings=tuple(_reading_view(r) for r in readings),
    )


def _case_view(session: Session, case: Case) -> CaseView:
    assert case.id is not None
    owner = session.get(Practitioner, case.owner_id) if case.owner_id is not None else None
    areas = session.exec(
        select(ChangeArea).where(ChangeArea.case_id == case.id).order_by(ChangeArea.position, ChangeArea.id)
    ).all()
    area_ids = [a.id for a in areas]
    readings: dict[int, list[ScaleReading]] = {aid: [] for aid in area_ids if aid is not None}
    if area_ids:
        rows = session.exec(
            select(ScaleReading)
            .where(ScaleReading.area_id.in_(area_ids))  # type: ignore[union-attr]
            .order_by(ScaleReading.reading_date, ScaleReading.id)
        ).all()
        for row in rows:
            readings[row.area_id].append(row)
    return CaseView(
        id=case.id,
        reference=case.reference,
        summary=case.summary,
        owner=owner.display_name if owner else None,
        owner_id=case.owner_id,
        closed=case.closed,
        created_at=case.created_at,
        areas=tuple(_area_view(a, readings.get(a.id or -1, ())) for a in areas),
    )


def _find_case(session: Session, ref: CaseRef) -> Case:
    if isinstance(ref, bool) or not isinstance(ref, int | str):
        raise CaseError(f"A case is identified by its reference or number, got {ref!r}.")
    if isinstance(ref, str):
        text = ref.strip()
        case = session.exec(select(Case).where(Case.reference == text)).first()
        if case is None:
            case = session.exec(select(Case).where(func.lower(Case.reference) == text.lower())).first()
        if case is None and text.isdigit():
            case = session.get(Case, int(text))
    else:
        case = session.get(Case, ref)
    if case is None:
        known = session.exec(select(Case.reference).order_by(Case.reference).limit(10)).all()
        hint = f" Known cases: {', '.join(known)}." if known else " There are no cases yet."
        raise CaseError(f"No case with reference or number {ref!r}.{hint}")
    return case


def _find_area(session: Session, area_id: int) -> ChangeArea:
    if isinstance(area_id, bool) or not isinstance(area_id, int):
        raise CaseError(f"A change area is identified by its number, got {area_id!r}.")
    area = session.get(ChangeArea, area_id)
    if area is None:
        raise CaseError(f"No change area number {area_id}.")
    return area


def _find_practitioner(session: Session, who: int | str | None) -> Practitioner | None:
    if who is None:
        return None
    if isinstance(who, int) and not isinstance(who, bool):
        person = session.get(Practitioner, who)
        if person is None:
            raise CaseError(f"No practitioner number {who}.")
        return person
    name = _clean_text(who, "The practitioner's name", required=True, limit=MAX_NAME)
    person = session.exec(select(Practitioner).where(Practitioner.display_name == name)).first()
    if person is None:
        person = Practitioner(display_name=name, role="practitioner")
        session.add(person)
        session.flush()
    return person


# -- practitioners ---------------------------------------------------------------------------------
def get_or_create_practitioner(store: Store, name: str, role: str = "practitioner") -> Practitioner:
    """The practitioner with this display name, created with `role` if new (an existing one keeps it)."""
    clean = _clean_text(name, "The practitioner's name", required=True, limit=MAX_NAME)
    if role not in ROLE_VALUES:
        raise CaseError(f"The role must be one of {', '.join(ROLE_VALUES)}, got {role!r}.")
    with store.session() as session:
        person = session.exec(select(Practitioner).where(Practitioner.display_name == clean)).first()
        if person is None:
            person = Practitioner(display_name=clean, role=role)
            session.add(person)
            session.flush()
            session.refresh(person)
        return person


def list_practitioners(store: Store) -> list[Practitioner]:
    with store.session() as session:
        return list(session.exec(select(Practitioner).order_by(Practitioner.display_name)).all())


# -- cases -----------------------------------------------------------------------------------------
def list_cases(store: Store, include_closed: bool = True) -> list[CaseView]:
    """All cases (open first, then by reference) with their areas and readings."""
    with store.session() as session:
        query = select(Case).order_by(Case.closed, Case.reference)
        if not include_closed:
            query = query.where(Case.closed == False)  # noqa: E712  (SQL expression)
        return [_case_view(session, case) for case in session.exec(query).all()]


def get_case(store: Store, ref: CaseRef) -> CaseView:
    """One case by reference (exact, else case-insensitive) or number; CaseError naming known cases."""
    with store.session() as session:
        return _case_view(session, _find_case(session, ref))


def create_case(
    store: Store,
    reference: str,
    summary: str = "",
    owner: int | str | None = None,
    areas: Sequence[tuple[str, str, str]] = (),
) -> CaseView:
    """A new case, optionally with change areas given as (title, concern, good_enough) triples."""
    clean_ref = validate_reference(reference)
    clean_summary = _clean_text(summary, "The summary", required=False)
    clean_areas = [
        (
            _clean_text(t, "The change area title", required=True, limit=MAX_TITLE),
            _clean_text(c, "The 'not good enough now' evidence", required=False),
            _clean_text(g, "The 'good enough' evidence", required=False),
        )
        for t, c, g in areas
    ]
    titles = [a[0] for a in clean_areas]
    if len(set(titles)) != len(titles):
        raise CaseError("Two change areas of one case cannot have the same title.")
    with store.session() as session:
        clash = session.exec(select(Case).where(func.lower(Case.reference) == clean_ref.lower())).first()
        if clash is not None:
            raise CaseError(f"A case with reference {clash.reference} already exists.")
        person = _find_practitioner(session, owner)
        case = Case(reference=clean_ref, summary=clean_summary, owner_id=person.id if person else None)
        session.add(case)
        session.flush()
        for position, (title, concern, good) in enumerate(clean_areas):
            session.add(ChangeArea(case_id=case.id, title=title, concern=concern, good_enough=good, position=position))
        session.flush()
        return _case_view(session, case)


_UNSET = object()


def update_case(
    store: Store,
    ref: CaseRef,
    *,
    reference: str | None = None,
    summary: str | None = None,
    owner: object = _UNSET,
    closed: bool | None = None,
) -> CaseView:
    """Change a case's reference, summary, owner (name, number or None) or closed flag."""
    with store.session() as session:
        case = _find_case(session, ref)
        if reference is not None:
            clean_ref = validate_reference(reference)
            clash = session.exec(
                select(Case).where(func.lower(Case.reference) == clean_ref.lower(), Case.id != case.id)
            ).first()
            if clash is not None:
                raise CaseError(f"A case with reference {clash.reference} already exists.")
            case.reference = clean_ref
        if summary is not None:
            case.summary = _clean_text(summary, "The summary", required=False)
        if owner is not _UNSET:
            person = _find_practitioner(session, owner)  # type: ignore[arg-type]
            case.owner_id = person.id if person else None
        if closed is not None:
            case.closed = bool(closed)
        session.add(case)
        session.flush()
        return _case_view(session, case)


def delete_case(store: Store, ref: CaseRef) -> None:
    """Delete a case with its areas, readings and links (reflections and rehearsals stay, unlinked)."""
    with store.session() as session:
        session.delete(_find_case(session, ref))


# -- change areas ----------------------------------------------------------------------------------
def add_area(
    store: Store,
    ref: CaseRef,
    title: str,
    concern: str = "",
    good_enough: str = "",
    position: int | None = None,
) -> AreaView:
    """Add a change area to a case (at the end unless `position` is given)."""
    clean_title = _clean_text(title, "The change area title", required=True, limit=MAX_TITLE)
    clean_concern = _clean_text(concern, "The 'not good enough now' evidence", required=False)
    clean_good = _clean_text(good_enough, "The 'good enough' evidence", required=False)
    with store.session() as session:
        case = _find_case(session, ref)
        areas = list(
            session.exec(
                select(ChangeArea).where(ChangeArea.case_id == case.id).order_by(ChangeArea.position, ChangeArea.id)
            ).all()
        )
        if any(a.title.lower() == clean_title.lower() for a in areas):
            raise CaseError(f"Case {case.reference} already has a change area called {clean_title!r}.")
        index = len(areas) if position is None else max(0, min(int(position), len(areas)))
        new = ChangeArea(case_id=case.id, title=clean_title, concern=clean_concern, good_enough=clean_good)  # type: ignore[arg-type]
        areas.insert(index, new)
        session.add(new)
        for pos, area in enumerate(areas):
            area.position = pos
            session.add(area)
        session.flush()
        return _area_view(new, ())


def update_area(
    store: Store,
    area_id: int,
    *,
    title: str | None = None,
    concern: str | None = None,
    good_enough: str | None = None,
) -> AreaView:
    """Change an area's title or evidence texts."""
    with store.session() as session:
        area = _find_area(session, area_id)
        if title is not None:
            clean_title = _clean_text(title, "The change area title", required=True, limit=MAX_TITLE)
            clash = session.exec(
                select(ChangeArea).where(
                    ChangeArea.case_id == area.case_id,
                    func.lower(ChangeArea.title) == clean_title.lower(),
                    ChangeArea.id != area.id,
                )
            ).first()
            if clash is not None:
                raise CaseError(f"This case already has a change area called {clash.title!r}.")
            area.title = clean_title
        if concern is not None:
            area.concern = _clean_text(concern, "The 'not good enough now' evidence", required=False)
        if good_enough is not None:
            area.good_enough = _clean_text(good_enough, "The 'good enough' evidence", required=False)
        session.add(area)
        session.flush()
        readings = session.exec(
            select(ScaleReading).where(ScaleReading.area_id == area.id).order_by(ScaleReading.reading_date)
        ).all()
        return _area_view(area, readings)


def delete_area(store: Store, area_id: int) -> None:
    """Delete a change area with its readings and links; the others close up their order."""
    with store.session() as session:
        area = _find_area(session, area_id)
        case_id = area.case_id
        session.delete(area)
        session.flush()
        rest = session.exec(
            select(ChangeArea).where(ChangeArea.case_id == case_id).order_by(ChangeArea.position, ChangeArea.id)
        ).all()
        for pos, other in enumerate(rest):
            other.position = pos
            session.add(other)


def reorder_areas(store: Store, ref: CaseRef, area_ids: Sequence[int]) -> list[AreaView]:
    """Put a case's areas in the order given (every area of the case exactly once)."""
    with store.session() as session:
        case = _find_case(session, ref)
        areas = {a.id: a for a in session.exec(select(ChangeArea).where(ChangeArea.case_id == case.id)).all()}
        if sorted(area_ids) != sorted(areas) or len(set(area_ids)) != len(area_ids):
            raise CaseError(
                f"Give every change area of case {case.reference} exactly once to reorder them "
                f"(areas {sorted(areas)}, got {list(area_ids)})."
            )
        for pos, aid in enumerate(area_ids):
            areas[aid].position = pos
            session.add(areas[aid])
        session.flush()
    return list(get_case(store, case.id).areas)  # type: ignore[arg-type]


# -- scale readings --------------------------------------------------------------------------------
def add_reading(
    store: Store,
    area_id: int,
    reading_date: date | str,
    score: int | str,
    by_whom: str = "",
    note: str = "",
) -> ScaleReading:
    """Record a 1-10 scale reading on a change area (the date may not be in the future)."""
    clean_score = validate_score(score)
    clean_date = validate_date(reading_date, "The reading date")
    clean_by = _clean_text(by_whom, "'By whom'", required=False, limit=MAX_NAME)
    clean_note = _clean_text(note, "The note", required=False)
    with store.session() as session:
        area = _find_area(session, area_id)
        reading = ScaleReading(
            area_id=area.id,  # type: ignore[arg-type]
            reading_date=clean_date,
            score=clean_score,
            by_whom=clean_by,
            note=clean_note,
        )
        session.add(reading)
        session.flush()
        session.refresh(reading)
        return reading


def readings_for_area(store: Store, area_id: int) -> list[ScaleReading]:
    """The readings of one area, oldest first."""
    with store.session() as session:
        _find_area(session, area_id)
        return list(
            session.exec(
                select(ScaleReading)
                .where(ScaleReading.area_id == area_id)
                .order_by(ScaleReading.reading_date, ScaleReading.id)
            ).all()
        )


def delete_reading(store: Store, reading_id: int) -> None:
    with store.session() as session:
        reading = session.get(ScaleReading, reading_id)
        if reading is None:
            raise CaseError(f"No scale reading number {reading_id}.")
        session.delete(reading)


# -- the workspace ---------------------------------------------------------------------------------
def workspace_counts(store: Store) -> WorkspaceCounts:
    """Counts for the home screen."""

    def count(session: Session, model: type, *where: object) -> int:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)  # type: ignore[arg-type]
        return int(session.exec(query).one())

    with store.session() as session:
        return WorkspaceCounts(
            practitioners=count(session, Practitioner),
            cases=count(session, Case),
            open_cases=count(session, Case, Case.closed == False),  # noqa: E712
            areas=count(session, ChangeArea),
            readings=count(session, ScaleReading),
            reflections=count(session, Reflection),
            rehearsals=count(session, Rehearsal),
        )


__all__ = [
    "AreaView",
    "CaseError",
    "CaseView",
    "ReadingView",
    "WorkspaceCounts",
    "add_area",
    "add_reading",
    "create_case",
    "delete_area",
    "delete_case",
    "delete_reading",
    "get_case",
    "get_or_create_practitioner",
    "list_cases",
    "list_practitioners",
    "readings_for_area",
    "reference_warning",
    "reorder_areas",
    "update_area",
    "update_case",
    "validate_date",
    "validate_score",
    "workspace_counts",
]
