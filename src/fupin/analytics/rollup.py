"""Reading the figures of any unit from the derived tables, never from the registry.

A unit at a native level reads its own roll-up row (`analytics_unit`, or the village row); its children are one
index range of their level's rows. Only a prefix that is not a native unit, or a scope narrower than the units asked
for, falls back to summing the village rows inside the scope (at most one unit's villages).

Every read takes the caller's `Scope` and applies it to the rows read (the one scope choke point), so a unit
outside the scope reads as nothing even if a caller forgot to check it first.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, bindparam, func, literal, select
from sqlalchemy.orm import Session

from fupin.analytics.measures import MEASURES, TREND
from fupin.analytics.service import LEVEL_LENGTHS, MONTHS, UNITS, VILLAGES, unit_code
from fupin.divisions.codes import CODE_LENGTH, pad, prefix_range
from fupin.divisions.scope import Scope

NAMES = tuple(measure.name for measure in MEASURES)
LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_LENGTHS.items()}


@dataclass(frozen=True, slots=True)
class Figures:
    """The measures summed over a set of villages, and when the oldest of their rows was computed."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NAMES, 0))
    villages: int = 0
    as_of: datetime | None = None

    def __getitem__(self, name: str) -> int:
        return self.values[name]


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: str
    values: dict[str, int]


def _within(scope: Scope, prefix: str):  # type: ignore[no-untyped-def]
    low, high = prefix_range(prefix)
    code = VILLAGES.c.division_code
    return (code >= low) & (code < high) & scope.condition(code)


def narrowest(scope: Scope, prefix: str) -> str | None:
    """The prefix both the scope and `prefix` lie under (the longer one), or None when they do not meet."""
    if scope.view_prefix is None:
        return None
    shorter, longer = sorted((scope.view_prefix, prefix), key=len)
    return longer if longer.startswith(shorter) else None


def totals(*, session: Session, scope: Scope, prefix: str) -> Figures:
    """The figures of the unit with this native prefix ('' for the whole country), within the scope."""
    within = narrowest(scope, prefix)
    if within is None:
        return Figures()
    level = LEVEL_OF_LENGTH.get(len(within))
    if level is None:
        return _summed(session, scope, prefix)
    scope_low, scope_high = prefix_range(scope.view_prefix or "")
    statement = _unit_figures(len(within) == CODE_LENGTH)
    parameters = {"code": pad(within), "scope_low": scope_low, "scope_high": scope_high}
    row = session.connection().execute(statement, parameters).first()
    return Figures() if row is None else _figures(row)


@functools.cache
def _unit_figures(village: bool) -> Select[Any]:
    """One unit's row, inside the scope's code range: built once, since every page and API call reads one."""
    source = VILLAGES if village else UNITS
    code = source.c.division_code
    villages: ColumnElement[int] = literal(1) if village else source.c.villages
    scoped = (code >= bindparam("scope_low")) & (code < bindparam("scope_high"))
    return select(villages, source.c.refreshed_at, *(source.c[n] for n in NAMES)).where(
        code == bindparam("code"), scoped
    )


def by_unit(*, session: Session, scope: Scope, prefix: str, length: int) -> dict[str, Figures]:
    """The figures per unit at a prefix length (6: per county) under `prefix`, keyed by the unit's 12-digit code."""
    within = narrowest(scope, prefix)
    if within is None:
        return {}
    if len(within) > length or length not in LEVEL_OF_LENGTH:
        return _summed_by_unit(session, scope, prefix, length)
    source: Table = VILLAGES if length == CODE_LENGTH else UNITS
    low, high = prefix_range(within)
    code = source.c.division_code
    villages: ColumnElement[int] = literal(1) if source is VILLAGES else source.c.villages
    statement = select(code, villages, source.c.refreshed_at, *(source.c[n] for n in NAMES)).where(
        code >= low, code < high, scope.condition(code)
    )
    if source is UNITS:
        statement = statement.where(UNITS.c.level == LEVEL_OF_LENGTH[length])
    return {str(row[0]): _figures(row[1:]) for row in session.execute(statement.order_by(code))}


def _figures(row: Sequence[Any]) -> Figures:
    return Figures(dict(zip(NAMES, (int(v) for v in row[2:]), strict=True)), int(row[0]), row[1])


def _summed(session: Session, scope: Scope, prefix: str) -> Figures:
    """The figures of any prefix summed over its village rows inside the scope (not a native unit)."""
    sums = [func.coalesce(func.sum(VILLAGES.c[name]), 0) for name in NAMES]
    statement = select(func.count(), func.min(VILLAGES.c.refreshed_at), *sums).where(_within(scope, prefix))
    return _figures(session.execute(statement).one())


def _summed_by_unit(session: Session, scope: Scope, prefix: str, length: int) -> dict[str, Figures]:
    """Per unit summed over the village rows inside the scope (a scope narrower than the units asked for)."""
    unit = unit_code(VILLAGES.c.division_code, length)
    sums = [func.sum(VILLAGES.c[name]) for name in NAMES]
    statement = (
        select(unit, func.count(), func.min(VILLAGES.c.refreshed_at), *sums)
        .where(_within(scope, prefix))
        .group_by(unit)
        .order_by(unit)
    )
    return {str(row[0]): _figures(row[1:]) for row in session.execute(statement)}


def trend(*, session: Session, scope: Scope, code: str, months: int = 36) -> list[MonthFigures]:
    """The unit's trend figures for its last `months` recorded months; a month it did not change in repeats."""
    columns = [MONTHS.c[name] for name in TREND]
    statement = (
        select(MONTHS.c.month, *columns)
        .where(MONTHS.c.division_code == code, scope.condition(MONTHS.c.division_code))
        .order_by(MONTHS.c.month.desc())
        .limit(months)
    )
    recorded = {row[0]: dict(zip(TREND, (int(v) for v in row[1:]), strict=True)) for row in session.execute(statement)}
    if not recorded:
        return []
    return [MonthFigures(month, values) for month, values in _fill_forward(recorded)[-months:]]


def _fill_forward(recorded: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    first, last = min(recorded), max(recorded)
    filled, current = [], recorded[first]
    for month in _months(first, last):
        current = recorded.get(month, current)
        filled.append((month, current))
    return filled


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
