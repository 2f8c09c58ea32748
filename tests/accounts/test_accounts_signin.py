"""Sign-in: right password passes; N failures lock the user name for a period; the clock is injected, nothing sleeps."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts import signin
from fupin.accounts.models import LoginThrottle, User
from fupin.audit import Actor, AuditEvent, Changeset, open_changeset
from fupin.errors import FupinError, ThrottledError, UnauthenticatedError
from tests.factories.accounts import PASSWORD, Clock, make_user

LOCKOUT = signin.Lockout(max_failures=3, minutes=15)
ACTOR = Actor("someone", "web", "10.0.0.7")


def attempt(session: Session, clock: Clock, username: str, password: str) -> User:
    changeset = open_changeset(session=session, actor=ACTOR, purpose="登录")
    try:
        return signin.authenticate(
            session=session, changeset=changeset, username=username, password=password, now=clock(), lockout=LOCKOUT
        )
    finally:
        session.commit()  # the face commits failures too, so they count across requests and processes


def test_right_password_signs_in_and_is_audited(session: Session) -> None:
    user = make_user(session)
    assert attempt(session, Clock(), f"  {user.username.upper()} ", PASSWORD).id == user.id
    event, changeset = session.execute(
        select(AuditEvent, Changeset).join(Changeset).where(AuditEvent.entity_id == user.username)
    ).one()
    assert (event.action, changeset.channel, changeset.origin) == ("login", "web", "10.0.0.7")


def test_failures_lock_then_the_lock_expires(session: Session) -> None:
    user = make_user(session)
    clock = Clock()
    for left in (2, 1):
        with pytest.raises(UnauthenticatedError, match=f"再失败{left}次"):
            attempt(session, clock, user.username, "wrong-password1")
    with pytest.raises(ThrottledError, match="已连续3次登录失败") as locked:
        attempt(session, clock, user.username, "wrong-password1")
    assert locked.value.retry_after_seconds == 15 * 60 + 1
    clock.advance(minutes=14)
    with pytest.raises(ThrottledError, match="1分钟后再试"):
        attempt(session, clock, user.username, PASSWORD)  # the right password does not help while locked
    clock.advance(minutes=1, seconds=1)
    assert attempt(session, clock, user.username, PASSWORD).id == user.id
    assert session.get(LoginThrottle, user.username) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == user.username)).all()
    assert actions.count("lock") == 1
    assert "wrong-password1" not in " ".join(session.scalars(select(AuditEvent.after)).all())


def test_old_failures_are_forgotten(session: Session) -> None:
    user = make_user(session)
    clock = Clock()
    for _ in range(2):
        with pytest.raises(UnauthenticatedError):
            attempt(session, clock, user.username, "wrong-password1")
    clock.advance(minutes=16)
    with pytest.raises(UnauthenticatedError, match="再失败2次"):
        attempt(session, clock, user.username, "wrong-password1")


def test_unknown_names_are_counted_and_locked_like_known_ones(session: Session) -> None:
    clock = Clock()
    for _ in range(2):
        with pytest.raises(UnauthenticatedError, match="用户名或密码不正确"):
            attempt(session, clock, "nobody", "whatever123")
    with pytest.raises(ThrottledError):
        attempt(session, clock, "nobody", "whatever123")


@pytest.mark.parametrize("text", ["' OR '1'='1' --", "admin'; DROP TABLE accounts_user; --", '" OR ""="'])
def test_sql_in_the_fields_is_just_a_wrong_name(session: Session, text: str) -> None:
    user = make_user(session)
    with pytest.raises(UnauthenticatedError):
        attempt(session, Clock(), text, text)
    assert session.get(User, user.id) is not None


def test_empty_fields_are_named_and_not_counted(session: Session) -> None:
    with pytest.raises(FupinError) as caught:
        attempt(session, Clock(), " ", "")
    assert [(p.slug, p.location.field) for p in caught.value.problems] == [
        ("required", "username"),
        ("required", "password"),
    ]
    assert session.scalars(select(LoginThrottle)).all() == []
