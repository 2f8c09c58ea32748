"""Sign-in by user name and password, with failures counted per user name in the database and a timed lock-out."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fupin import audit
from fupin.accounts import service
from fupin.accounts.models import LoginThrottle, User
from fupin.accounts.passwords import hash_password, needs_rehash, verify_password
from fupin.errors import FupinError, Location, Problem, ThrottledError, UnauthenticatedError

ENTITY = "accounts_login"


@dataclass(frozen=True, slots=True)
class Lockout:
    max_failures: int
    minutes: int

    @property
    def period(self) -> timedelta:
        return timedelta(minutes=self.minutes)


def authenticate(
    *, session: Session, changeset: audit.Changeset, username: str, password: str, now: datetime, lockout: Lockout
) -> User:
    """The user, or an error; every outcome is audited in `changeset` and counted; the caller commits either way."""
    key = username.strip().lower()[:40]
    _require_both(key, password)
    throttle = session.get(LoginThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        _audit(session, changeset, key, "login-fail", {"reason": "locked"})
        raise _locked(throttle.locked_until, now)
    user = service.get_by_username(session=session, username=key)
    if not verify_password(user.password_hash if user is not None and user.is_active else None, password):
        _audit(session, changeset, key, "login-fail", {"reason": "password"})
        _count_failure(session=session, changeset=changeset, key=key, throttle=throttle, now=now, lockout=lockout)
    assert user is not None  # verify_password never matches without a user
    if throttle is not None:
        session.delete(throttle)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _audit(session, changeset, key, "login", {"user_id": user.id})
    return user


def _require_both(key: str, password: str) -> None:
    problems = []
    if not key:
        problems.append(Problem("required", "请填写用户名", Location(field="username")))
    if not password:
        problems.append(Problem("required", "请填写密码", Location(field="password")))
    if problems:
        raise FupinError(*problems)


def _count_failure(
    *,
    session: Session,
    changeset: audit.Changeset,
    key: str,
    throttle: LoginThrottle | None,
    now: datetime,
    lockout: Lockout,
) -> None:
    """Count one failure (a run older than the lock-out period starts again) and lock at the limit; always raises."""
    if throttle is None:
        throttle = LoginThrottle(username=key, failures=0, last_failure_at=now)
        session.add(throttle)
    elif now - throttle.last_failure_at > lockout.period:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    throttle.locked_until = None
    session.flush()
    if throttle.failures >= lockout.max_failures:
        throttle.failures = 0
        throttle.locked_until = now + lockout.period
        _audit(session, changeset, key, "lock", {"locked_until": throttle.locked_until})
        raise _locked(throttle.locked_until, now, after_failures=lockout.max_failures)
    left = lockout.max_failures - throttle.failures
    raise UnauthenticatedError(
        Problem(
            "login-failed", f"用户名或密码不正确，再失败{left}次将锁定{lockout.minutes}分钟", Location(field="password")
        )
    )


def _locked(until: datetime, now: datetime, after_failures: int | None = None) -> ThrottledError:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    reason = f"已连续{after_failures}次登录失败，" if after_failures else "登录失败次数过多，"
    problem = Problem("account-locked", f"{reason}该用户名已锁定，请{minutes}分钟后再试", Location(field="username"))
    return ThrottledError(problem, retry_after_seconds=int((until - now).total_seconds()) + 1)


def _audit(session: Session, changeset: audit.Changeset, key: str, action: str, after: dict[str, object]) -> None:
    audit.record(
        session=session, changeset=changeset, entity=ENTITY, entity_id=key, action=action, before=None, after=after
    )


def unlock(*, session: Session, username: str) -> None:
    """Forget the failures of a user name (an administrator has just reset its password)."""
    throttle = session.get(LoginThrottle, username.strip().lower()[:40])
    if throttle is not None:
        session.delete(throttle)
