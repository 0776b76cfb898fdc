"""The first coach schema: people, cases, change areas, readings, rehearsals, reflections, tags, links,
comments and drills.

Frozen: later changes go in new revisions, never here. Column types are plain SQLAlchemy types (not the model
classes), so this file keeps working whatever happens to coach.store.models.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 18:29:02.271511
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practitioners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('practitioner', 'mentor', 'facilitator')", name=op.f("ck_practitioners_role")),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["practitioners.id"],
            name=op.f("fk_practitioners_mentor_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioners")),
        sa.UniqueConstraint("display_name", name=op.f("uq_practitioners_display_name")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["practitioners.id"],
            name=op.f("fk_cases_owner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["practitioners.id"],
            name=op.f("fk_drills_facilitator_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
    )
    op.create_table(
        "mentor_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "target_kind IN ('reflection', 'rehearsal', 'turn')", name=op.f("ck_mentor_comments_target_kind")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["practitioners.id"],
            name=op.f("fk_mentor_comments_author_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_comments")),
    )
    with op.batch_alter_table("mentor_comments", schema=None) as batch_op:
        batch_op.create_index("ix_mentor_comments_target", ["target_kind", "target_id"], unique=False)

    op.create_table(
        "change_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("concern", sa.String(), nullable=False),
        sa.Column("good_enough", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_change_areas_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_areas")),
        sa.UniqueConstraint("case_id", "title", name="uq_change_areas_case_title"),
    )
    with op.batch_alter_table("change_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_areas_case_id"), ["case_id"], unique=False)

    op.create_table(
        "drill_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.String(), nullable=False),
        sa.Column("target_tag", sa.String(length=60), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drill_id"], ["drills.id"], name=op.f("fk_drill_rounds_drill_id_drills"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_rounds")),
        sa.UniqueConstraint("drill_id", "position", name="uq_drill_rounds_drill_position"),
    )
    with op.batch_alter_table("drill_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_rounds_drill_id"), ["drill_id"], unique=False)

    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("prompt_set", sa.String(length=100), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shared_with_mentor", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'final')", name=op.f("ck_reflections_status")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_reflections_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_reflections_practitioner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
    )
    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reflections_case_id"), ["case_id"], unique=False)

    op.create_table(
        "rehearsals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=100), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("difficulty", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("persona_state", sa.JSON(), nullable=True),
        sa.Column("scorecard", sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f("ck_rehearsals_status")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_rehearsals_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_rehearsals_practitioner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rehearsals")),
    )
    with op.batch_alter_table("rehearsals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rehearsals_scenario_id"), ["scenario_id"], unique=False)

    op.create_table(
        "area_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("sentence", sa.String(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('suggested', 'confirmed', 'rejected', 'added')", name=op.f("ck_area_links_status")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["change_areas.id"],
            name=op.f("fk_area_links_area_id_change_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["practitioners.id"],
            name=op.f("fk_area_links_decided_by_practitioners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_area_links_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_links")),
    )
    with op.batch_alter_table("area_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_links_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_area_links_reflection_id"), ["reflection_id"], unique=False)

    op.create_table(
        "drill_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_drill_responses_practitioner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["drill_rounds.id"],
            name=op.f("fk_drill_responses_round_id_drill_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_responses")),
    )
    with op.batch_alter_table("drill_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_responses_round_id"), ["round_id"], unique=False)

    op.create_table(
        "scale_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("reading_date", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("by_whom", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.CheckConstraint("score >= 1 AND score <= 10", name=op.f("ck_scale_readings_score_1_10")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["change_areas.id"],
            name=op.f("fk_scale_readings_area_id_change_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_readings")),
    )
    with op.batch_alter_table("scale_readings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scale_readings_area_id"), ["area_id"], unique=False)

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rehearsal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("behaviour", sa.String(length=20), nullable=True),
        sa.Column("talk", sa.String(length=20), nullable=True),
        sa.Column("persona_state", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("speaker IN ('practitioner', 'persona')", name=op.f("ck_turns_speaker")),
        sa.ForeignKeyConstraint(
            ["rehearsal_id"],
            ["rehearsals.id"],
            name=op.f("fk_turns_rehearsal_id_rehearsals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint("rehearsal_id", "position", name="uq_turns_rehearsal_position"),
    )
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turns_rehearsal_id"), ["rehearsal_id"], unique=False)

    op.create_table(
        "technique_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("reflection_id", sa.Integer(), nullable=True),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("why", sa.String(), nullable=False),
        sa.CheckConstraint("(turn_id IS NULL) <> (reflection_id IS NULL)", name=op.f("ck_technique_tags_one_target")),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_technique_tags_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["turns.id"], name=op.f("fk_technique_tags_turn_id_turns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technique_tags")),
    )
    with op.batch_alter_table("technique_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_technique_tags_reflection_id"), ["reflection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_technique_tags_turn_id"), ["turn_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("technique_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_technique_tags_turn_id"))
        batch_op.drop_index(batch_op.f("ix_technique_tags_reflection_id"))

    op.drop_table("technique_tags")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turns_rehearsal_id"))

    op.drop_table("turns")
    with op.batch_alter_table("scale_readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scale_readings_area_id"))

    op.drop_table("scale_readings")
    with op.batch_alter_table("drill_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drill_responses_round_id"))

    op.drop_table("drill_responses")
    with op.batch_alter_table("area_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_links_reflection_id"))
        batch_op.drop_index(batch_op.f("ix_area_links_area_id"))

    op.drop_table("area_links")
    with op.batch_alter_table("rehearsals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rehearsals_scenario_id"))

    op.drop_table("rehearsals")
    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflections_case_id"))

    op.drop_table("reflections")
    with op.batch_alter_table("drill_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drill_rounds_drill_id"))

    op.drop_table("drill_rounds")
    with op.batch_alter_table("change_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_areas_case_id"))

    op.drop_table("change_areas")
    with op.batch_alter_table("mentor_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_mentor_comments_target")

    op.drop_table("mentor_comments")
    op.drop_table("drills")
    op.drop_table("cases")
    op.drop_table("practitioners")
