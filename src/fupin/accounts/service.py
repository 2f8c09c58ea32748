"""Users: create, list and look up within a scope, change passwords; every change is audited without secrets."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin import audit
from fupin.accounts import checks, credentials
from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.accounts.passwords import hash_password, verify_password
from fupin.divisions import service as divisions
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, Problem

ENTITY = "accounts_user"


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    full_name: str
    role: str
    scope_prefix: str
    password: str


def get(*, session: Session, scope: Scope, user_id: int) -> User | None:
    """A user whose own scope lies inside `scope`; None otherwise (out of scope looks the same as missing)."""
    statement = select(User).where(User.id == user_id, scope.contains_prefix(User.scope_prefix))
    return session.scalars(statement).first()


def get_by_username(*, session: Session, username: str) -> User | None:
    """Unscoped: for sign-in and the command line, which act before any scope exists."""
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def list_(*, session: Session, scope: Scope) -> list[User]:
    statement = select(User).where(scope.contains_prefix(User.scope_prefix)).order_by(User.scope_prefix, User.username)
    return list(session.scalars(statement))


def create(
    *, session: Session, changeset: audit.Changeset, new: NewUser, grantor: Scope, password_min_length: int
) -> User:
    """Check everything, report every problem at once, then add the user (the caller commits)."""
    username = new.username.strip().lower()
    role, problems = checks.parse_role(new.role)
    problems += checks.username_problems(username) + checks.full_name_problems(new.full_name.strip())
    scope_prefix, scope_problems = checks.normalise_scope(session=session, text=new.scope_prefix)
    problems += scope_problems
    if scope_prefix is not None:
        problems += checks.grant_problems(grantor=grantor, scope_prefix=scope_prefix)
    problems += checks.password_problems(new.password, username=username, min_length=password_min_length)
    if not problems and get_by_username(session=session, username=username) is not None:
        problems.append(
            Problem("username-taken", "用户名已被使用", Location(field="username"), username, "未被使用的用户名")
        )
    if problems or role is None or scope_prefix is None:
        raise FupinError(*problems)
    user = User(
        username=username,
        full_name=new.full_name.strip(),
        role=role.value,
        scope_prefix=scope_prefix,
        password_hash=hash_password(new.password),
        created_changeset_id=changeset.id,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        changeset=changeset,
        entity=ENTITY,
        entity_id=user.id,
        action="create",
        before=None,
        after=public_fields(user),
    )
    return user


def change_password(
    *,
    session: Session,
    changeset: audit.Changeset,
    user: User,
    current_password: str | None,
    new_password: str,
    password_min_length: int,
    now: datetime,
    keep_session_id: int | None = None,
) -> None:
    """Set a new password, end the user's other page sessions; no `current_password` is an administrator's reset."""
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise FupinError(Problem("password-wrong", "当前密码不正确", Location(field="current_password")))
    problems = checks.password_problems(
        new_password, username=user.username, min_length=password_min_length, field="new_password"
    )
    if not problems and current_password is not None and new_password == current_password:
        problems.append(
            Problem("password-unchanged", "新密码与当前密码相同", Location(field="new_password"), None, "不同的新密码")
        )
    if problems:
        raise FupinError(*problems)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    credentials.end_sessions(session=session, user_id=user.id, now=now, keep_session_id=keep_session_id)
    audit.record(
        session=session,
        changeset=changeset,
        entity=ENTITY,
        entity_id=user.id,
        action="passwd",
        before=None,
        after={"password_changed_at": now},
    )


def scope_name(*, session: Session, scope_prefix: str) -> str:
    """The name of the unit a scope covers (全国 for the whole country)."""
    if not scope_prefix:
        return "全国"
    chain = divisions.parent_chain(session=session, code=scope_prefix.ljust(12, "0"))
    return "".join(unit.name for unit in chain) or scope_prefix


def public_fields(user: User) -> dict[str, object]:
    """What the audit log may keep of a user: never the password hash."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope_prefix": user.scope_prefix,
    }


def role_of(user: User) -> Role:
    return Role(user.role)
