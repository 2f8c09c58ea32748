"""Users made through the accounts service (so every factory user is a valid one), with a clock tests can move."""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fupin.accounts import service
from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.audit import Actor, open_changeset
from fupin.divisions.scope import Scope

PASSWORD = "Qiyuan2020ok"
WEINING = "520526"  # 威宁彝族回族苗族自治县
_numbers = itertools.count(1)


def make_user(
    session: Session,
    *,
    username: str | None = None,
    role: Role = Role.county,
    scope_prefix: str = WEINING,
    full_name: str = "王小明",
    password: str = PASSWORD,
) -> User:
    changeset = open_changeset(session=session, actor=Actor("factory", "system"))
    new = service.NewUser(
        username=username or f"user{next(_numbers):04d}",
        full_name=full_name,
        role=role.value,
        scope_prefix=scope_prefix,
        password=password,
    )
    user = service.create(
        session=session, changeset=changeset, new=new, grantor=Scope.everything(), password_min_length=10
    )
    session.commit()
    return user


@dataclass
class Clock:
    """A clock that moves only when told, injected into the app and the services instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, 0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
