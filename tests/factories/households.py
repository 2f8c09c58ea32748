"""Registry rows made straight through the models, for tests that need households in the database."""

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fupin.audit import Actor, open_changeset
from fupin.registry.models import Household, Income, Member
from tests.factories.registry import VILLAGE_CODE, citizen_id

_numbers = itertools.count(1)


def make_household(
    session: Session,
    *,
    members: list[dict[str, Any]] | None = None,
    income: dict[str, Any] | None = None,
    year: int = 2020,
    **fields: Any,
) -> Household:
    """A household in the test village with its members (head first) and one year's income."""
    changeset = open_changeset(session=session, actor=Actor("factory", "system"), purpose="测试")
    stamps = {"created_changeset_id": changeset.id, "updated_changeset_id": changeset.id}
    household = Household(
        household_number=f"T{next(_numbers):08d}", division_code=fields.pop("division_code", VILLAGE_CODE), **stamps
    )
    for name, value in fields.items():
        setattr(household, name, value)
    session.add(household)
    session.flush()
    for index, values in enumerate(members or [{}]):
        birth: date = values.get("birth_date", date(1975, 3, 4))
        sex = values.get("sex", "男")
        member = Member(
            household_id=household.id,
            name=values.get("name", f"成员{index}"),
            sex=sex,
            birth_date=birth,
            id_type="居民身份证",
            id_number=values.get("id_number", citizen_id(birth.strftime("%Y%m%d"), sex)),
            relation=values.get("relation", "户主" if index == 0 else "之子"),
            **stamps,
        )
        for name, value in values.items():
            setattr(member, name, value)
        session.add(member)
    if income is not None:
        session.add(Income(household_id=household.id, year=year, **income, **stamps))
    session.flush()
    return household
