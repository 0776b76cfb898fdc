"""The coach data model: every table the app stores, as SQLModel classes.

The names are the practice's own words (Case, ChangeArea, ScaleReading, Reflection...). The schema itself is
owned by the Alembic migrations in `coach/store/migrations/`; these classes must match them (a test compares
the two).

Conventions:
- table names are plural snake_case (`cases`, `change_areas`, ...);
- enumerations are plain strings with a CHECK constraint (the allowed values are the `*_VALUES` tuples below);
- times are timezone-aware UTC (`UTCDateTime` restores the zone on SQLite, which does not store it);
- children are deleted with their parent (ON DELETE CASCADE: areas, readings, turns, tags, links, rounds,
  responses); optional references to people and cases become NULL when those are deleted (ON DELETE SET NULL);
- `MentorComment` points at a reflection, rehearsal or turn by kind + id, so it has no foreign key: a
  session hook deletes a target's comments when the target is deleted through the ORM.
"""

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel

# Stable constraint names, so migrations can refer to them on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLE_VALUES = ("practitioner", "mentor", "facilitator")
REHEARSAL_STATUS_VALUES = ("active", "ended")
SPEAKER_VALUES = ("practitioner", "persona")
REFLECTION_STATUS_VALUES = ("draft", "final")
LINK_STATUS_VALUES = ("suggested", "confirmed", "rejected", "added")
COMMENT_TARGET_VALUES = ("reflection", "rehearsal", "turn")
DRILL_STATUS_VALUES = ("draft", "running", "ended")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite as well as PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Practitioner(SQLModel, table=True):
    """A person using coach: a practitioner, a mentor (who mentors others) or a drill facilitator."""

    __tablename__ = "practitioners"
    __table_args__ = (sa.CheckConstraint(_in("role", ROLE_VALUES), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(unique=True, nullable=False, max_length=200)
    role: str = Field(default="practitioner", nullable=False, max_length=20)
    mentor_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    created_at: datetime = _created()


class Case(SQLModel, table=True):
    """A family's case under a pseudonymous reference (never a real name)."""

    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, nullable=False, max_length=100)
    summary: str = Field(default="", nullable=False)
    owner_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    created_at: datetime = _created()
    closed: bool = Field(default=False, nullable=False)

    areas: list["ChangeArea"] = Relationship(
        back_populates="case",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "ChangeArea.position", "passive_deletes": True},
    )


class ChangeArea(SQLModel, table=True):
    """One thing that must change for the child: what is not good enough now, what good enough looks like."""

    __tablename__ = "change_areas"
    __table_args__ = (sa.UniqueConstraint("case_id", "title", name="uq_change_areas_case_title"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE", nullable=False, index=True)
    title: str = Field(nullable=False, max_length=200)
    concern: str = Field(default="", nullable=False)
    good_enough: str = Field(default="", nullable=False)
    position: int = Field(default=0, nullable=False)

    case: Case | None = Relationship(back_populates="areas")
    readings: list["ScaleReading"] = Relationship(
        back_populates="area",
        cascade_delete=True,
        sa_relationship_kwargs={
            "order_by": "(ScaleReading.reading_date, ScaleReading.id)",
            "passive_deletes": True,
        },
    )


class ScaleReading(SQLModel, table=True):
    """A 1-10 scaling judgement on a change area at a date (10: good enough, 1: not safe)."""

    __tablename__ = "scale_readings"
    __table_args__ = (sa.CheckConstraint("score >= 1 AND score <= 10", name="score_1_10"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="change_areas.id", ondelete="CASCADE", nullable=False, index=True)
    reading_date: date = Field(nullable=False)
    score: int = Field(nullable=False)
    by_whom: str = Field(default="", nullable=False, max_length=200)
    note: str = Field(default="", nullable=False)

    area: ChangeArea | None = Relationship(back_populates="readings")


class Rehearsal(SQLModel, table=True):
    """A practice conversation with a simulated family member, following a scenario (prompts/scenarios/)."""

    __tablename__ = "rehearsals"
    __table_args__ = (sa.CheckConstraint(_in("status", REHEARSAL_STATUS_VALUES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: str = Field(nullable=False, max_length=100, index=True)
    practitioner_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    seed: int = Field(default=0, nullable=False)
    difficulty: str = Field(default="standard", nullable=False, max_length=40)
    status: str = Field(default="active", nullable=False, max_length=20)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    persona_state: dict | None = Field(default=None, sa_type=sa.JSON)
    scorecard: dict | None = Field(default=None, sa_type=sa.JSON)

    turns: list["Turn"] = Relationship(
        back_populates="rehearsal",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "Turn.position", "passive_deletes": True},
    )


class Turn(SQLModel, table=True):
    """One utterance in a rehearsal, by the practitioner or the persona, with its tags and persona state."""

    __tablename__ = "turns"
    __table_args__ = (
        sa.CheckConstraint(_in("speaker", SPEAKER_VALUES), name="speaker"),
        sa.UniqueConstraint("rehearsal_id", "position", name="uq_turns_rehearsal_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rehearsal_id: int = Field(foreign_key="rehearsals.id", ondelete="CASCADE", nullable=False, index=True)
    position: int = Field(nullable=False)
    speaker: str = Field(nullable=False, max_length=20)
    text: str = Field(nullable=False)
    behaviour: str | None = Field(default=None, max_length=20)
    talk: str | None = Field(default=None, max_length=20)
    persona_state: dict | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = _created()

    rehearsal: Rehearsal | None = Relationship(back_populates="turns")
    tags: list["TechniqueTag"] = Relationship(
        back_populates="turn",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "(TechniqueTag.start, TechniqueTag.id)", "passive_deletes": True},
    )


class Reflection(SQLModel, table=True):
    """A practitioner's structured reflection after a visit: answers to a prompt set, then the joined text."""

    __tablename__ = "reflections"
    __table_args__ = (sa.CheckConstraint(_in("status", REFLECTION_STATUS_VALUES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL", index=True)
    practitioner_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    visit_date: date = Field(nullable=False)
    prompt_set: str = Field(default="default", nullable=False, max_length=100)
    answers: dict = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    text: str = Field(default="", nullable=False)
    status: str = Field(default="draft", nullable=False, max_length=20)
    shared_with_mentor: bool = Field(default=False, nullable=False)
    created_at: datetime = _created()
    updated_at: datetime = _created()

    tags: list["TechniqueTag"] = Relationship(
        back_populates="reflection",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "(TechniqueTag.start, TechniqueTag.id)", "passive_deletes": True},
    )
    links: list["AreaLink"] = Relationship(
        back_populates="reflection",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "(AreaLink.start, AreaLink.id)", "passive_deletes": True},
    )


class TechniqueTag(SQLModel, table=True):
    """A technique (TECHNIQUES.md id, or an extra mark) found in a turn or in a span of a reflection."""

    __tablename__ = "technique_tags"
    __table_args__ = (sa.CheckConstraint("(turn_id IS NULL) <> (reflection_id IS NULL)", name="one_target"),)

    id: int | None = Field(default=None, primary_key=True)
    turn_id: int | None = Field(default=None, foreign_key="turns.id", ondelete="CASCADE", index=True)
    reflection_id: int | None = Field(default=None, foreign_key="reflections.id", ondelete="CASCADE", index=True)
    tag: str = Field(nullable=False, max_length=60)
    score: float | None = Field(default=None)
    start: int | None = Field(default=None)
    end: int | None = Field(default=None)
    why: str = Field(default="", nullable=False)

    turn: Turn | None = Relationship(back_populates="tags")
    reflection: Reflection | None = Relationship(back_populates="tags")


class AreaLink(SQLModel, table=True):
    """A reflection sentence linked to a change area, suggested by the linker or decided by a person."""

    __tablename__ = "area_links"
    __table_args__ = (sa.CheckConstraint(_in("status", LINK_STATUS_VALUES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflections.id", ondelete="CASCADE", nullable=False, index=True)
    area_id: int = Field(foreign_key="change_areas.id", ondelete="CASCADE", nullable=False, index=True)
    start: int | None = Field(default=None)
    end: int | None = Field(default=None)
    sentence: str = Field(default="", nullable=False)
    score: float | None = Field(default=None)
    status: str = Field(default="suggested", nullable=False, max_length=20)
    decided_by: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    reflection: Reflection | None = Relationship(back_populates="links")
    area: ChangeArea | None = Relationship()


class MentorComment(SQLModel, table=True):
    """A mentor's comment on a reflection, a rehearsal or a single turn."""

    __tablename__ = "mentor_comments"
    __table_args__ = (
        sa.CheckConstraint(_in("target_kind", COMMENT_TARGET_VALUES), name="target_kind"),
        sa.Index("ix_mentor_comments_target", "target_kind", "target_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="practitioners.id", ondelete="CASCADE", nullable=False)
    target_kind: str = Field(nullable=False, max_length=20)
    target_id: int = Field(nullable=False)
    text: str = Field(nullable=False)
    created_at: datetime = _created()


class Drill(SQLModel, table=True):
    """A timed group practice set run by a facilitator: rounds of prompts aiming at one technique each."""

    __tablename__ = "drills"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(nullable=False, max_length=200)
    facilitator_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    status: str = Field(default="draft", nullable=False, max_length=20)
    created_at: datetime = _created()

    rounds: list["DrillRound"] = Relationship(
        back_populates="drill",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "DrillRound.position", "passive_deletes": True},
    )


class DrillRound(SQLModel, table=True):
    """One prompt in a drill (e.g. a parent's line to answer with a complex reflection) and its time limit."""

    __tablename__ = "drill_rounds"
    __table_args__ = (sa.UniqueConstraint("drill_id", "position", name="uq_drill_rounds_drill_position"),)

    id: int | None = Field(default=None, primary_key=True)
    drill_id: int = Field(foreign_key="drills.id", ondelete="CASCADE", nullable=False, index=True)
    position: int = Field(nullable=False)
    prompt: str = Field(nullable=False)
    target_tag: str = Field(nullable=False, max_length=60)
    seconds: int = Field(default=60, nullable=False)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    drill: Drill | None = Relationship(back_populates="rounds")
    responses: list["DrillResponse"] = Relationship(
        back_populates="round",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "DrillResponse.id", "passive_deletes": True},
    )


class DrillResponse(SQLModel, table=True):
    """A participant's answer in a drill round, with the techniques the tagger found in it."""

    __tablename__ = "drill_responses"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="drill_rounds.id", ondelete="CASCADE", nullable=False, index=True)
    practitioner_id: int | None = Field(default=None, foreign_key="practitioners.id", ondelete="SET NULL")
    text: str = Field(nullable=False)
    tags: list = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_at: datetime = _created()

    round: DrillRound | None = Relationship(back_populates="responses")


@event.listens_for(Session, "before_flush")
def _delete_comments_with_their_target(session: Session, _context: Any, _instances: Any) -> None:
    """MentorComment has no foreign key (its target is a kind + id), so comments go when their target goes.

    Covers ORM deletes of a reflection, a rehearsal (with its turns' comments) or a turn. Plain SQL DELETEs
    and ON DELETE CASCADE inside the database bypass this; services delete through the ORM.
    """
    targets: list[tuple[str, int]] = []
    rehearsal_ids: list[int] = []
    for obj in session.deleted:
        if isinstance(obj, Reflection) and obj.id is not None:
            targets.append(("reflection", obj.id))
        elif isinstance(obj, Rehearsal) and obj.id is not None:
            targets.append(("rehearsal", obj.id))
            rehearsal_ids.append(obj.id)
        elif isinstance(obj, Turn) and obj.id is not None:
            targets.append(("turn", obj.id))
    if not targets:
        return
    conn = session.connection()
    table = MentorComment.__table__  # type: ignore[attr-defined]
    if rehearsal_ids:
        turns = Turn.__table__  # type: ignore[attr-defined]
        turn_ids = conn.execute(sa.select(turns.c.id).where(turns.c.rehearsal_id.in_(rehearsal_ids))).scalars()
        targets.extend(("turn", tid) for tid in turn_ids)
    for kind in {k for k, _ in targets}:
        ids = [tid for k, tid in targets if k == kind]
        conn.execute(sa.delete(table).where(table.c.target_kind == kind, table.c.target_id.in_(ids)))


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Practitioner,
    Case,
    ChangeArea,
    ScaleReading,
    Rehearsal,
    Turn,
    Reflection,
    TechniqueTag,
    AreaLink,
    MentorComment,
    Drill,
    DrillRound,
    DrillResponse,
)

__all__ = [
    "ALL_TABLES",
    "AreaLink",
    "Case",
    "ChangeArea",
    "Drill",
    "DrillResponse",
    "DrillRound",
    "MentorComment",
    "Practitioner",
    "Reflection",
    "Rehearsal",
    "ScaleReading",
    "TechniqueTag",
    "Turn",
    "UTCDateTime",
    "utcnow",
]
