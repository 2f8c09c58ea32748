"""registry search: household list by scope and 户编号, ID-number tail, name prefix on PostgreSQL

Revision ID: 20261123_0200
Revises: 20261123_0100
Create Date: 2026-11-23 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0200"
down_revision: str | None = "20261123_0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID_TAIL = "substr(id_number, length(id_number) - 3)"


def upgrade() -> None:
    op.create_index(
        "ix_registry_household_division_number",
        "registry_household",
        ["division_code", "household_number"],
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index("ix_registry_member_id_tail", "registry_member", [sa.text(ID_TAIL)])
    op.drop_index("ix_registry_member_name", table_name="registry_member")
    op.create_index(
        "ix_registry_member_name", "registry_member", ["name"], postgresql_ops={"name": "varchar_pattern_ops"}
    )


def downgrade() -> None:
    op.drop_index("ix_registry_member_name", table_name="registry_member")
    op.create_index("ix_registry_member_name", "registry_member", ["name"])
    op.drop_index("ix_registry_member_id_tail", table_name="registry_member")
    op.drop_index("ix_registry_household_division_number", table_name="registry_household")
