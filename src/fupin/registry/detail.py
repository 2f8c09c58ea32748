"""One household as the API and the pages show it: members, incomes, assistance and cadres, masked by default."""

from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from fupin.registry import service
from fupin.registry.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS
from fupin.registry.models import Household, Member
from fupin.registry.privacy import mask_phone
from fupin.registry.schemas import (
    AssistanceOut,
    HelperOut,
    HouseholdDetail,
    HouseholdFields,
    IncomeOut,
    MemberOut,
    values_of,
)


def member_out(member: Member | Row[Any], household: Household, *, reveal: bool) -> MemberOut:
    values = values_of(member, MEMBER_FIELDS, reveal=reveal)
    values["household_number"] = household.household_number
    return MemberOut(id=member.id, household_id=member.household_id, **values)


def detail(
    *, session: Session, household: Household, reveal: bool, held: service.Belongings | None = None
) -> HouseholdDetail:
    """Everything about a household that the caller has loaded through the scope (`held`: its belongings, if read)."""
    if held is None:
        held = service.belongings(session=session, household=household)
    return HouseholdDetail(
        id=household.id,
        revealed=reveal,
        household=HouseholdFields(**values_of(household, HOUSEHOLD_FIELDS, reveal=reveal)),
        members=[member_out(member, household, reveal=reveal) for member in held.members],
        incomes=[IncomeOut(**values_of(row, INCOME_FIELDS, reveal=True)) for row in held.incomes],
        assistance=[
            AssistanceOut(category=row.category, detail=row.detail, year=row.year, amount=row.amount)
            for row in held.assistance
        ],
        helpers=[
            HelperOut(
                name=row.name,
                work_unit=row.work_unit,
                position=row.position,
                phone=row.phone if reveal else mask_phone(row.phone),
            )
            for row in held.helpers
        ],
    )
