"""Page sessions and API tokens: random secrets handed out once, kept as SHA-256, resolved with their user at once."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, select, update
from sqlalchemy.orm import Session

from fupin import audit
from fupin.accounts.enums import Role
from fupin.accounts.models import ApiToken, PageSession, User
from fupin.accounts.principal import Principal

TOKEN_PREFIX = "fupin_"


def digest(secret: str) -> str:
    """SHA-256 is enough here: the secrets are 256 random bits, so there is nothing to guess slowly."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(
    *, session: Session, user: User, now: datetime, lifetime: timedelta, origin: str | None
) -> tuple[str, PageSession]:
    """A new session with a fresh id and CSRF token; the raw id goes into the cookie and nowhere else."""
    raw_id = secrets.token_urlsafe(32)
    page_session = PageSession(
        id_hash=digest(raw_id),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        origin=origin,
    )
    session.add(page_session)
    session.flush()
    return raw_id, page_session


# Every request resolves its principal, so these two statements are built once, with bound parameters, and run
# as plain rows: building and loading ORM objects per request cost more than the lookup itself.
_USERS = User.__table__.c
USER_COLUMNS = (_USERS.id, _USERS.username, _USERS.full_name, _USERS.role, _USERS.scope_prefix)
_SESSIONS = PageSession.__table__.c
_TOKENS = ApiToken.__table__.c


def _live_secret_lookup(secret: FromClause, secret_hash: ColumnElement[str], closed: ColumnElement[Any]) -> Select[Any]:
    """The user holding the secret whose hash is `:secret_hash`, if neither closed nor expired and the user active."""
    return (
        select(*USER_COLUMNS)
        .join_from(secret, User.__table__, _USERS.id == secret.c.user_id)
        .where(
            secret_hash == bindparam("secret_hash"),
            closed.is_(None),
            secret.c.expires_at > bindparam("now"),
            _USERS.is_active.is_(True),
        )
    )


_SESSION_PRINCIPAL = _live_secret_lookup(PageSession.__table__, _SESSIONS.id_hash, _SESSIONS.ended_at).add_columns(
    _SESSIONS.id, _SESSIONS.csrf_token
)
_TOKEN_PRINCIPAL = _live_secret_lookup(ApiToken.__table__, _TOKENS.token_hash, _TOKENS.revoked_at)


def _principal(row: Any) -> Principal:
    user_id, username, full_name, role, scope_prefix, *page_session = row
    session_id, csrf_token = page_session or (None, None)
    return Principal(user_id, username, full_name, Role(role), scope_prefix, session_id, csrf_token)


def principal_for_session(*, session: Session, raw_id: str, now: datetime) -> Principal | None:
    row = session.connection().execute(_SESSION_PRINCIPAL, {"secret_hash": digest(raw_id), "now": now}).first()
    return _principal(row) if row else None


def end_session(*, session: Session, raw_id: str, now: datetime, changeset: audit.Changeset | None = None) -> None:
    """Sign out: the session row is ended, so the cookie is worthless even if someone kept a copy."""
    page_session = session.scalars(select(PageSession).where(PageSession.id_hash == digest(raw_id))).first()
    if page_session is None or page_session.ended_at is not None:
        return
    page_session.ended_at = now
    if changeset is not None:
        audit.record(
            session=session,
            changeset=changeset,
            entity="accounts_user",
            entity_id=page_session.user_id,
            action="logout",
            before=None,
            after={"session_id": page_session.id},
        )


def end_sessions(*, session: Session, user_id: int, now: datetime, keep_session_id: int | None = None) -> None:
    """End every open session of a user but one (after a password change)."""
    statement = update(PageSession).where(PageSession.user_id == user_id, PageSession.ended_at.is_(None))
    if keep_session_id is not None:
        statement = statement.where(PageSession.id != keep_session_id)
    session.execute(statement.values(ended_at=now))


def issue_token(
    *, session: Session, changeset: audit.Changeset, user: User, name: str, now: datetime, lifetime: timedelta
) -> tuple[str, ApiToken]:
    """A bearer token; the caller shows the raw value once, the table keeps only its hash."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=digest(raw), user_id=user.id, name=name[:100], created_at=now, expires_at=now + lifetime
    )
    session.add(token)
    session.flush()
    audit.record(
        session=session,
        changeset=changeset,
        entity="accounts_user",
        entity_id=user.id,
        action="token",
        before=None,
        after={"token_id": token.id, "name": token.name, "expires_at": token.expires_at},
    )
    return raw, token


def principal_for_token(*, session: Session, raw: str, now: datetime) -> Principal | None:
    row = session.connection().execute(_TOKEN_PRINCIPAL, {"secret_hash": digest(raw), "now": now}).first()
    return _principal(row) if row else None
