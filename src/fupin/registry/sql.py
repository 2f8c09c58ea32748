"""Relations the registry publishes for other domains, so only the registry knows its tables' columns."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Subquery, select

from fupin.registry.models import Household, Member

HOUSEHOLD_FACTS = (
    "poverty_status",
    "main_cause",
    "household_type",
    "monitoring_category",
    "house_safety_grade",
    "dilapidated",
    "water_safe",
    "water_difficult",
)
MEMBER_FACTS = ("dropout_reason", "ins_resident_medical", "ins_employee_medical")
Where = Callable[[Any], ColumnElement[bool]]  # a condition on a division_code column


def households_relation(where: Where) -> Subquery:
    """Live households (division_code and the facts figures are counted by) whose division code meets `where`."""
    columns = [getattr(Household, name) for name in HOUSEHOLD_FACTS]
    live = Household.deleted_at.is_(None)
    return select(Household.division_code, *columns).where(live, where(Household.division_code)).subquery()


def members_relation(where: Where) -> Subquery:
    """Live members of live households, with their household's division code and poverty status."""
    columns = [getattr(Member, name) for name in MEMBER_FACTS]
    return (
        select(Household.division_code, Household.poverty_status, *columns)
        .join(Household, Household.id == Member.household_id)
        .where(Member.deleted_at.is_(None), Household.deleted_at.is_(None), where(Household.division_code))
        .subquery()
    )
