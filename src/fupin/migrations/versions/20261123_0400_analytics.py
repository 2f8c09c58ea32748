"""analytics: per-village figures and monthly trend per unit

Revision ID: 20261123_0400
Revises: 20261123_0300
Create Date: 2026-11-23 12:21:06.637375
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0400"
down_revision: str | None = "20261123_0300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_unit_month",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("members_poor", sa.Integer(), nullable=False),
        sa.Column("status_not_exited", sa.Integer(), nullable=False),
        sa.Column("status_exited", sa.Integer(), nullable=False),
        sa.Column("status_returned", sa.Integer(), nullable=False),
        sa.Column("monitored", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("division_code", "month", name=op.f("pk_analytics_unit_month")),
    )
    op.create_table(
        "analytics_village",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("members_poor", sa.Integer(), nullable=False),
        sa.Column("members_exited", sa.Integer(), nullable=False),
        sa.Column("status_not_exited", sa.Integer(), nullable=False),
        sa.Column("status_exited", sa.Integer(), nullable=False),
        sa.Column("status_returned", sa.Integer(), nullable=False),
        sa.Column("status_new", sa.Integer(), nullable=False),
        sa.Column("status_natural_decrease", sa.Integer(), nullable=False),
        sa.Column("status_removed", sa.Integer(), nullable=False),
        sa.Column("cause_illness", sa.Integer(), nullable=False),
        sa.Column("cause_disability", sa.Integer(), nullable=False),
        sa.Column("cause_education", sa.Integer(), nullable=False),
        sa.Column("cause_disaster", sa.Integer(), nullable=False),
        sa.Column("cause_land", sa.Integer(), nullable=False),
        sa.Column("cause_water", sa.Integer(), nullable=False),
        sa.Column("cause_skills", sa.Integer(), nullable=False),
        sa.Column("cause_labour", sa.Integer(), nullable=False),
        sa.Column("cause_capital", sa.Integer(), nullable=False),
        sa.Column("cause_transport", sa.Integer(), nullable=False),
        sa.Column("cause_motivation", sa.Integer(), nullable=False),
        sa.Column("cause_marriage", sa.Integer(), nullable=False),
        sa.Column("cause_funeral", sa.Integer(), nullable=False),
        sa.Column("cause_other", sa.Integer(), nullable=False),
        sa.Column("type_poor", sa.Integer(), nullable=False),
        sa.Column("type_exited", sa.Integer(), nullable=False),
        sa.Column("type_ordinary", sa.Integer(), nullable=False),
        sa.Column("monitored", sa.Integer(), nullable=False),
        sa.Column("monitor_unstable", sa.Integer(), nullable=False),
        sa.Column("monitor_marginal", sa.Integer(), nullable=False),
        sa.Column("monitor_sudden", sa.Integer(), nullable=False),
        sa.Column("house_unsafe", sa.Integer(), nullable=False),
        sa.Column("dilapidated", sa.Integer(), nullable=False),
        sa.Column("water_unsafe", sa.Integer(), nullable=False),
        sa.Column("water_difficult", sa.Integer(), nullable=False),
        sa.Column("members_dropout", sa.Integer(), nullable=False),
        sa.Column("members_no_medical", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("division_code", name=op.f("pk_analytics_village")),
    )


def downgrade() -> None:
    op.drop_table("analytics_village")
    op.drop_table("analytics_unit_month")
