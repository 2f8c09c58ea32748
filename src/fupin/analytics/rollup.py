"""Reading the figures of any unit: sums over its villages' rows by code-prefix range, never over the registry.

Every read takes the caller's `Scope` and applies it to the rows read (the one scope choke point), so a unit
outside the scope reads as nothing even if a caller forgot to check it first.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.analytics.measures import MEASURES, TREND
from fupin.analytics.service import MONTHS, VILLAGES, unit_code
from fupin.divisions.codes import prefix_range
from fupin.divisions.scope import Scope

NAMES = tuple(measure.name for measure in MEASURES)


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


def totals(*, session: Session, scope: Scope, prefix: str) -> Figures:
    """The figures of the unit with this native prefix ('' for the whole country), within the scope."""
    sums = [func.coalesce(func.sum(VILLAGES.c[name]), 0) for name in NAMES]
    statement = select(func.count(), func.min(VILLAGES.c.refreshed_at), *sums).where(_within(scope, prefix))
    row = session.execute(statement).one()
    return Figures(dict(zip(NAMES, (int(v) for v in row[2:]), strict=True)), int(row[0]), row[1])


def by_unit(*, session: Session, scope: Scope, prefix: str, length: int) -> dict[str, Figures]:
    """The figures per unit at a prefix length (6: per county) under `prefix`, keyed by the unit's 12-digit code."""
    unit = unit_code(VILLAGES.c.division_code, length)
    sums = [func.sum(VILLAGES.c[name]) for name in NAMES]
    statement = (
        select(unit, func.count(), func.min(VILLAGES.c.refreshed_at), *sums)
        .where(_within(scope, prefix))
        .group_by(unit)
        .order_by(unit)
    )
    return {
        str(row[0]): Figures(dict(zip(NAMES, (int(v) for v in row[3:]), strict=True)), int(row[1]), row[2])
        for row in session.execute(statement)
    }


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
