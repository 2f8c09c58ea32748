"""What the database already holds for the households and people of an incoming file, fetched set-wise."""

from collections.abc import Sequence

import duckdb
from sqlalchemy import Select, exists, false, literal_column, select, table
from sqlalchemy.orm import Session

from fupin.engine.base import drop_temp, fetch_columns, temp_keys
from fupin.engine.duck import register
from fupin.registry.fields import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from fupin.registry.models import Household, Member

HOUSEHOLD_KEYS = "fupin_keys_household"
PERSON_KEYS = "fupin_keys_person"


def _empty(session: Session, model: type[Household] | type[Member]) -> bool:
    return not session.execute(select(exists().where(model.deleted_at.is_(None)))).scalar()


def _keys(name: str) -> Select:  # type: ignore[type-arg]
    return select(literal_column("key")).select_from(table(name))


def fetch_existing(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    households: str,
    persons: str | None,
    household_fields: Sequence[str] | None = None,
) -> None:
    """Create workspace tables existing_households, existing_members (of those households) and existing_by_id.

    `household_fields` limits the household columns fetched to those the file can change (default: all).
    """
    no_households = _empty(session, Household)
    no_members = no_households or _empty(session, Member)
    if not no_households:
        temp_keys(session, duck, name=HOUSEHOLD_KEYS, query=f"SELECT key FROM ({households})")
    if persons is not None and not no_members:
        temp_keys(session, duck, name=PERSON_KEYS, query=f"SELECT key FROM ({persons})")
    try:
        live_households = Household.deleted_at.is_(None)
        hh_filter = false() if no_households else Household.household_number.in_(_keys(HOUSEHOLD_KEYS))
        names = [spec.name for spec in HOUSEHOLD_FIELDS if household_fields is None or spec.name in household_fields]
        household_columns = [getattr(Household, name) for name in dict.fromkeys(["household_number", *names])]
        statement = select(Household.id, Household.id.label("household_id"), *household_columns).where(
            live_households, hh_filter
        )
        register(duck, "existing_households", fetch_columns(session, statement))
        member_columns = [getattr(Member, spec.name) for spec in MEMBER_FIELDS if spec.name != "household_number"]
        members_filter = false() if no_members else hh_filter
        members = (
            select(Member.id, Member.household_id, Household.household_number, *member_columns)
            .join(Household, Household.id == Member.household_id)
            .where(Member.deleted_at.is_(None), live_households, members_filter)
        )
        register(duck, "existing_members", fetch_columns(session, members))
        by_id_filter = false() if no_members or persons is None else Member.id_number.in_(_keys(PERSON_KEYS))
        by_id = (
            select(Member.id, Member.id_number, Household.household_number)
            .join(Household, Household.id == Member.household_id)
            .where(Member.deleted_at.is_(None), by_id_filter)
        )
        register(duck, "existing_by_id", fetch_columns(session, by_id))
    finally:
        drop_temp(session, HOUSEHOLD_KEYS)
        drop_temp(session, PERSON_KEYS)
