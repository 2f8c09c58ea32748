"""jobs: background jobs (imports) with progress, heartbeat and result

Revision ID: 20261123_0300
Revises: 20261123_0200
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0300"
down_revision: str | None = "20261123_0200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=100), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("scope_prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["accounts_user.id"], name=op.f("fk_jobs_job_created_by_id_accounts_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs_job")),
    )
    with op.batch_alter_table("jobs_job", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_job_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_job_created_by_id"), ["created_by_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_job_created_by_id"))
        batch_op.drop_index("ix_jobs_job_status_id")
    op.drop_table("jobs_job")
