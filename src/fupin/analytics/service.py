"""Keeping `analytics_village` and `analytics_unit_month` in step with the registry, set-wise.

Every service that changes households or members (the importer, household edits, soft deletes) calls one of the
`refresh` functions, in the same transaction, for the villages it touched (before and after a move). Each refresh
replaces the villages' rows with one INSERT … SELECT … GROUP BY over the registry, then rewrites this month's trend
rows of those villages and of every unit above them.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from fupin.analytics.measures import MEASURES, TREND, Measure
from fupin.analytics.models import COUNTRY_CODE, UnitMonth, VillageFigures
from fupin.divisions.codes import CODE_LENGTH, NATIVE_LENGTH, prefix_range
from fupin.engine.base import drop_temp, temp_keys
from fupin.registry.sql import households_relation, members_relation

KEYS = "fupin_keys_village"
VILLAGES: Table = VillageFigures.__table__  # type: ignore[assignment]
MONTHS: Table = UnitMonth.__table__  # type: ignore[assignment]
LEVEL_LENGTHS = {0: 0, **NATIVE_LENGTH}  # 0: the whole country


def refresh(*, session: Session, village_codes: Sequence[str], now: datetime) -> int:
    """Recompute the figures of the given villages (codes of villages with no live household drop to zero)."""
    _create_keys(session)
    try:
        if village_codes:
            session.execute(table(KEYS, literal_column("key")).insert(), [{"key": code} for code in set(village_codes)])
        return _refresh_keys(session, now)
    finally:
        drop_temp(session, KEYS)


def refresh_from_workspace(*, session: Session, duck: duckdb.DuckDBPyConnection, query: str, now: datetime) -> int:
    """Like `refresh`, for the village codes a workspace query yields (column `key`), moved over in bulk."""
    temp_keys(session, duck, name=KEYS, query=query)
    try:
        return _refresh_keys(session, now)
    finally:
        drop_temp(session, KEYS)


def refresh_under(*, session: Session, prefix: str, now: datetime) -> int:
    """Recompute every village under a division-code prefix ('' for the whole country)."""
    low, high = prefix_range(prefix)
    _create_keys(session)
    try:
        households = households_relation(lambda column: (column >= low) & (column < high))
        known = select(VILLAGES.c.division_code).where(VILLAGES.c.division_code >= low, VILLAGES.c.division_code < high)
        codes = select(households.c.division_code).union(known)
        session.execute(table(KEYS, literal_column("key")).insert().from_select(["key"], codes))
        return _refresh_keys(session, now)
    finally:
        drop_temp(session, KEYS)


def _create_keys(session: Session) -> None:
    connection = session.connection()
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {KEYS}")
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {KEYS} (key VARCHAR(64) PRIMARY KEY)")


def _keys() -> ScalarSelect[Any]:
    return select(literal_column("key")).select_from(table(KEYS)).scalar_subquery()


def _refresh_keys(session: Session, now: datetime) -> int:
    """Replace the village rows of the codes in the keys table, then this month's trend rows above them."""
    session.flush()
    session.execute(delete(VILLAGES).where(VILLAGES.c.division_code.in_(_keys())))
    statement = _village_figures(now)
    session.execute(insert(VILLAGES).from_select(list(statement.selected_columns.keys()), statement))
    month = now.strftime("%Y-%m")
    for level in sorted(LEVEL_LENGTHS):
        _write_month(session, level=level, month=month, now=now)
    return int(
        session.scalar(select(func.count()).select_from(VILLAGES).where(VILLAGES.c.division_code.in_(_keys()))) or 0
    )


def _count(measure: Measure, relation_columns: object) -> ColumnElement[int]:
    if measure.condition is None:
        return func.count()
    return func.coalesce(func.sum(case((measure.condition(relation_columns), 1), else_=0)), 0)


def _village_figures(now: datetime):  # type: ignore[no-untyped-def]
    """One SELECT … GROUP BY per source, joined on the village: the figures of every village in the keys table."""
    within = lambda column: column.in_(_keys())  # noqa: E731
    households, members = households_relation(within), members_relation(within)
    by_household = [m for m in MEASURES if m.source == "household"]
    by_member = [m for m in MEASURES if m.source == "member"]
    h = (
        select(households.c.division_code, *(_count(m, households.c).label(m.name) for m in by_household))
        .group_by(households.c.division_code)
        .subquery("h")
    )
    p = (
        select(members.c.division_code, *(_count(m, members.c).label(m.name) for m in by_member))
        .group_by(members.c.division_code)
        .subquery("p")
    )
    return select(
        h.c.division_code,
        literal(now).label("refreshed_at"),
        *(h.c[m.name] for m in by_household),
        *(func.coalesce(p.c[m.name], 0).label(m.name) for m in by_member),
    ).outerjoin(p, p.c.division_code == h.c.division_code)


def unit_code(column: ColumnElement[str], length: int) -> ColumnElement[str]:
    """The 12-digit code of the unit at a prefix length that a village code lies under."""
    if length == 0:
        return literal(COUNTRY_CODE)
    if length == CODE_LENGTH:
        return column
    return func.substr(column, 1, length).concat("0" * (CODE_LENGTH - length))


def _write_month(session: Session, *, level: int, month: str, now: datetime) -> None:
    """This month's trend row of every unit at `level` above a refreshed village: the sum over all its villages."""
    length = LEVEL_LENGTHS[level]
    key: ColumnElement[str] = literal_column("key")
    units = select(unit_code(key, length).label("code")).select_from(table(KEYS)).distinct().subquery("u")
    village_unit = unit_code(VILLAGES.c.division_code, length)
    sums = (
        select(village_unit.label("code"), *(func.sum(VILLAGES.c[name]).label(name) for name in TREND))
        .where(village_unit.in_(select(units.c.code)))
        .group_by(village_unit)
        .subquery("s")
    )
    session.execute(delete(MONTHS).where(MONTHS.c.month == month, MONTHS.c.division_code.in_(select(units.c.code))))
    rows = select(
        units.c.code,
        literal(month),
        literal(level),
        literal(now),
        *(func.coalesce(sums.c[name], 0) for name in TREND),
    ).outerjoin(sums, sums.c.code == units.c.code)
    session.execute(insert(MONTHS).from_select(["division_code", "month", "level", "refreshed_at", *TREND], rows))
