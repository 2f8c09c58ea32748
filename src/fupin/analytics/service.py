"""Keeping `analytics_village` and `analytics_unit_month` in step with the registry, set-wise.

Every service that changes households or members (the importer, household edits, soft deletes) calls one of the
`refresh` functions, in the same transaction, for the villages it touched (before and after a move). Each refresh
replaces the villages' rows with one INSERT … SELECT … GROUP BY over the registry, then the roll-up rows of every unit
above them (townships from their villages, counties from their townships … the country from its provinces: each one
INSERT … SELECT over an index range of the level below), then this month's trend rows of all of them.
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
from fupin.analytics.models import COUNTRY_CODE, UnitMonth, UnitTotals, VillageFigures
from fupin.divisions.codes import CODE_LENGTH, NATIVE_LENGTH, prefix_range
from fupin.engine.base import drop_temp, temp_keys
from fupin.registry.sql import households_relation, members_relation

KEYS = "fupin_keys_village"
VILLAGES: Table = VillageFigures.__table__  # type: ignore[assignment]
MONTHS: Table = UnitMonth.__table__  # type: ignore[assignment]
UNITS: Table = UnitTotals.__table__  # type: ignore[assignment]
NAMES = tuple(measure.name for measure in MEASURES)
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


def refresh_rollups(*, session: Session, now: datetime) -> int:
    """Rebuild every unit's roll-up row from the village rows as they stand (after a bulk load of village rows)."""
    _create_keys(session)
    try:
        session.execute(
            table(KEYS, literal_column("key")).insert().from_select(["key"], select(VILLAGES.c.division_code))
        )
        for level in sorted(LEVEL_LENGTHS, reverse=True):
            _write_units(session, level=level, now=now)
        return int(session.scalar(select(func.count()).select_from(UNITS)) or 0)
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
    for level in sorted(LEVEL_LENGTHS, reverse=True):
        _write_units(session, level=level, now=now)
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


def descendants_range(code: ColumnElement[str], length: int) -> tuple[ColumnElement[str], ColumnElement[str]]:
    """The inclusive code range of everything under the unit with this 12-digit code and native prefix length."""
    if length == 0:
        return literal("0" * CODE_LENGTH), literal("9" * CODE_LENGTH)
    return code, func.substr(code, 1, length).concat("9" * (CODE_LENGTH - length))


def _units_above_keys(length: int):  # type: ignore[no-untyped-def]
    key: ColumnElement[str] = literal_column("key")
    return select(unit_code(key, length).label("code")).select_from(table(KEYS)).distinct().subquery("u")


def _write_units(session: Session, *, level: int, now: datetime) -> None:
    """The roll-up rows at `level` above the refreshed villages, summed from the level below (zeros when empty)."""
    if level == max(NATIVE_LENGTH):
        return
    units = _units_above_keys(LEVEL_LENGTHS[level])
    low, high = descendants_range(units.c.code, LEVEL_LENGTHS[level])
    below, condition = (VILLAGES, None) if level + 1 == max(NATIVE_LENGTH) else (UNITS, UNITS.c.level == level + 1)
    joined = (below.c.division_code >= low) & (below.c.division_code <= high)
    villages = func.count(below.c.division_code) if below is VILLAGES else func.sum(below.c.villages)
    rows = (
        select(
            units.c.code,
            literal(level),
            func.coalesce(villages, 0),
            func.coalesce(func.min(below.c.refreshed_at), literal(now)),
            *(func.coalesce(func.sum(below.c[name]), 0) for name in NAMES),
        )
        .select_from(units.outerjoin(below, joined if condition is None else joined & condition))
        .group_by(units.c.code)
    )
    session.execute(delete(UNITS).where(UNITS.c.division_code.in_(select(units.c.code))))
    session.execute(insert(UNITS).from_select(["division_code", "level", "villages", "refreshed_at", *NAMES], rows))


def _write_month(session: Session, *, level: int, month: str, now: datetime) -> None:
    """This month's trend row of every unit at `level` above a refreshed village, copied from its current figures."""
    units = _units_above_keys(LEVEL_LENGTHS[level])
    source = VILLAGES if level == max(NATIVE_LENGTH) else UNITS
    rows = select(
        units.c.code,
        literal(month),
        literal(level),
        literal(now),
        *(func.coalesce(source.c[name], 0) for name in TREND),
    ).outerjoin(source, source.c.division_code == units.c.code)
    session.execute(delete(MONTHS).where(MONTHS.c.month == month, MONTHS.c.division_code.in_(select(units.c.code))))
    session.execute(insert(MONTHS).from_select(["division_code", "month", "level", "refreshed_at", *TREND], rows))
