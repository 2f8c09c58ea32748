"""assessment: verdict roll-ups per unit and year, and per unit, year and indicator

Revision ID: 20261123_0820
Revises: 20261123_0810
Create Date: 2026-11-23 15:20:00

The tables start empty: the next run of each scope fills them (earlier runs' figures are not rebuilt).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0820"
down_revision: str | None = "20261123_0810"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_unit_figures",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("villages", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("meeting_households", sa.Integer(), nullable=False),
        sa.Column("meeting_members", sa.Integer(), nullable=False),
        sa.Column("failing_households", sa.Integer(), nullable=False),
        sa.Column("failing_members", sa.Integer(), nullable=False),
        sa.Column("undecided_households", sa.Integer(), nullable=False),
        sa.Column("undecided_members", sa.Integer(), nullable=False),
        sa.Column("poor_members", sa.Integer(), nullable=False),
        sa.Column("poor_score", sa.Float(), nullable=False),
        sa.Column("mpi_cutoff", sa.Float(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("year", "division_code", name=op.f("pk_assessment_unit_figures")),
    )
    op.create_index(
        "ix_assessment_unit_figures_year_level_division",
        "assessment_unit_figures",
        ["year", "level", "division_code"],
    )
    op.create_table(
        "assessment_indicator_figures",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("indicator_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.Column("failed_members", sa.Integer(), nullable=False),
        sa.Column("censored_members", sa.Integer(), nullable=False),
        sa.Column("censored_score", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "year", "division_code", "indicator_code", name=op.f("pk_assessment_indicator_figures")
        ),
    )
    op.create_index(
        "ix_assessment_indicator_figures_year_level_division",
        "assessment_indicator_figures",
        ["year", "level", "division_code"],
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_indicator_figures_year_level_division", table_name="assessment_indicator_figures")
    op.drop_table("assessment_indicator_figures")
    op.drop_index("ix_assessment_unit_figures_year_level_division", table_name="assessment_unit_figures")
    op.drop_table("assessment_unit_figures")
