"""analytics: current roll-up rows per unit (township … country), filled from the village rows

Revision ID: 20261123_0700
Revises: 20261123_0600
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0700"
down_revision: str | None = "20261123_0600"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The measures as they stood when this revision was written (a migration never reads the live code's list).
MEASURES = [
    "households",
    "members",
    "members_poor",
    "members_exited",
    "status_not_exited",
    "status_exited",
    "status_returned",
    "status_new",
    "status_natural_decrease",
    "status_removed",
    "cause_illness",
    "cause_disability",
    "cause_education",
    "cause_disaster",
    "cause_land",
    "cause_water",
    "cause_skills",
    "cause_labour",
    "cause_capital",
    "cause_transport",
    "cause_motivation",
    "cause_marriage",
    "cause_funeral",
    "cause_other",
    "type_poor",
    "type_exited",
    "type_ordinary",
    "monitored",
    "monitor_unstable",
    "monitor_marginal",
    "monitor_sudden",
    "house_unsafe",
    "dilapidated",
    "water_unsafe",
    "water_difficult",
    "members_dropout",
    "members_no_medical",
]
LEVELS = {0: 0, 1: 2, 2: 4, 3: 6, 4: 9}


def upgrade() -> None:
    op.create_table(
        "analytics_unit",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("villages", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in MEASURES),
        sa.PrimaryKeyConstraint("division_code", name=op.f("pk_analytics_unit")),
    )
    op.create_index("ix_analytics_unit_level_division_code", "analytics_unit", ["level", "division_code"])
    for level, length in LEVELS.items():
        unit = f"substr(division_code, 1, {length}) || '{'0' * (12 - length)}'" if length else "'000000000000'"
        sums = ", ".join(f"sum({name})" for name in MEASURES)
        op.execute(
            f"INSERT INTO analytics_unit (division_code, level, villages, refreshed_at, {', '.join(MEASURES)}) "
            f"SELECT {unit}, {level}, count(*), min(refreshed_at), {sums} FROM analytics_village "
            + (f"GROUP BY {unit}" if length else "HAVING count(*) > 0")
        )


def downgrade() -> None:
    op.drop_index("ix_analytics_unit_level_division_code", table_name="analytics_unit")
    op.drop_table("analytics_unit")
