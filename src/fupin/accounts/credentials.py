"""Page sessions and API tokens: random secrets handed out once, kept as SHA-256, resolved with their user at once."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fupin import audit
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


def principal_for_session(*, session: Session, raw_id: str, now: datetime) -> Principal | None:
    statement = (
        select(PageSession, User)
        .join(User, User.id == PageSession.user_id)
        .where(PageSession.id_hash == digest(raw_id), PageSession.ended_at.is_(None), PageSession.expires_at > now)
        .where(User.is_active.is_(True))
    )
    row = session.execute(statement).first()
    return Principal.of(row[1], row[0]) if row else None


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
    statement = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == digest(raw), ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .where(User.is_active.is_(True))
    )
    user = session.scalars(statement).first()
    return Principal.of(user) if user else None
