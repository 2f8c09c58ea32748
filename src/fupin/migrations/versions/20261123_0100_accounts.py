"""accounts: users, page sessions, API tokens, sign-in throttle

Revision ID: 20261123_0100
Revises: 20261123_0001
Create Date: 2026-11-23 11:53:32.102656
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_0100"
down_revision: str | None = "20261123_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts_login_throttle",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_accounts_login_throttle")),
    )
    op.create_table(
        "accounts_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("scope_prefix", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_changeset_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_changeset_id"],
            ["audit_changeset.id"],
            name=op.f("fk_accounts_user_created_changeset_id_audit_changeset"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts_user")),
        sa.UniqueConstraint("username", name=op.f("uq_accounts_user_username")),
    )
    with op.batch_alter_table("accounts_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_user_scope_prefix"), ["scope_prefix"], unique=False)

    op.create_table(
        "accounts_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["accounts_user.id"], name=op.f("fk_accounts_session_user_id_accounts_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts_session")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_accounts_session_id_hash")),
    )
    with op.batch_alter_table("accounts_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "accounts_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["accounts_user.id"], name=op.f("fk_accounts_token_user_id_accounts_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_accounts_token_token_hash")),
    )
    with op.batch_alter_table("accounts_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_token_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("accounts_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_token_user_id"))

    op.drop_table("accounts_token")
    with op.batch_alter_table("accounts_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_session_user_id"))

    op.drop_table("accounts_session")
    with op.batch_alter_table("accounts_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_user_scope_prefix"))

    op.drop_table("accounts_user")
    op.drop_table("accounts_login_throttle")
