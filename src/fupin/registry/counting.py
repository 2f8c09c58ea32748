"""The household list's total without counting a province's households on every request.

When the filters are only divisions and at most one of 贫困户状态 / 主要致贫原因 / 户类型, the total is exact and comes
from the analytics roll-ups (kept true by every writer in the same transaction: one indexed row read). Any other
filter (text, flags, 户属性, two code filters together) is counted in the database up to `COUNT_CAP`; beyond it the
total reads "more than COUNT_CAP", because an exact count of a large filtered set costs a scan per request.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session

from fupin.analytics import rollup
from fupin.analytics.measures import of_group
from fupin.divisions.codes import is_code, prefix
from fupin.divisions.scope import Scope
from fupin.registry.filters import HouseholdFilter

COUNT_CAP = 10_000
WALK_FACTOR = 4  # a walked row costs more than a sorted one (a probe and a filter); set from SQLite at 1 M members
CODE_FILTERS = ("poverty_status", "main_cause", "household_type")  # each is a measure group of the aggregates


class Counted(StrEnum):
    aggregates = "aggregates"  # exact, from the analytics roll-ups
    exact = "exact"  # exact, counted (at most COUNT_CAP rows)
    capped = "capped"  # more than COUNT_CAP: `total` is COUNT_CAP, a lower bound


@dataclass(frozen=True, slots=True)
class Total:
    value: int
    counted: Counted

    @property
    def exact(self) -> bool:
        return self.counted is not Counted.capped


def total(*, session: Session, scope: Scope, filters: HouseholdFilter, matching: Callable[[], Select[int]]) -> Total:
    """The number of households matching; `matching()` selects them (scope and filters applied) for a bounded count,
    built only when the roll-ups cannot answer."""
    found = from_aggregates(session=session, scope=scope, filters=filters)
    if found is not None:
        return Total(found, Counted.aggregates)
    bounded = select(func.count()).select_from(matching().with_only_columns(literal(1)).limit(COUNT_CAP + 1).subquery())
    counted = int(session.scalar(bounded) or 0)
    return Total(COUNT_CAP, Counted.capped) if counted > COUNT_CAP else Total(counted, Counted.exact)


def walk_sort_index(*, session: Session, total: Total, rows_needed: int) -> bool:
    """Whether to walk the sort column's index, filtering as it goes, rather than sort every matching household.

    A walk reads about rows_needed × all / matching rows, a sort reads every matching one: the walk wins when the
    matching households are a large share of the table (a province), the sort when they are few (a village). The
    country's count (read outside the caller's scope) only chooses the plan; no figure of it reaches the caller.
    """
    if total.counted is not Counted.aggregates or total.value == 0:
        return False
    return total.value * total.value > WALK_FACTOR * rows_needed * _country_households(session)


COUNTRY_TOTAL_SECONDS = 60.0
_COUNTRY_TOTAL_KEY = "fupin_country_households"


def _country_households(session: Session) -> int:
    """The country's household count, read at most once a minute per pooled connection: it only chooses a plan, and a
    minute-old figure chooses the same one."""
    info = session.connection().info  # lives as long as the database connection, so a new database starts afresh
    cached: tuple[int, float] | None = info.get(_COUNTRY_TOTAL_KEY)
    now = time.monotonic()
    if cached is None or cached[1] < now:
        households = rollup.totals(session=session, scope=Scope.everything(), prefix="")["households"]
        info[_COUNTRY_TOTAL_KEY] = cached = (households, now + COUNTRY_TOTAL_SECONDS)
    return cached[0]


def from_aggregates(*, session: Session, scope: Scope, filters: HouseholdFilter) -> int | None:
    """The exact total from the roll-ups, or None when the filters ask for more than the aggregates hold."""
    if filters.text or filters.flags or filters.household_attribute is not None:
        return None
    chosen = [(name, getattr(filters, name)) for name in CODE_FILTERS if getattr(filters, name) is not None]
    if len(chosen) > 1:
        return None
    measure = _measure(*chosen[0]) if chosen else "households"
    prefix = _division_prefix(filters)
    if measure is None or prefix is None:
        return None
    return rollup.totals(session=session, scope=scope, prefix=prefix)[measure]


def _measure(group: str, value: str) -> str | None:
    return next((m.name for m in of_group(group) if m.label == value), None)


def _division_prefix(filters: HouseholdFilter) -> str | None:
    """The one prefix the division and village filters mean together ('' for none), None if not a plain prefix."""
    prefixes = []
    if filters.division is not None:
        code = filters.division
        if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
            return None
        prefixes.append(prefix(code) if len(code) == 12 else code)
    if filters.village is not None:
        if not is_code(filters.village):
            return None
        prefixes.append(filters.village)
    prefixes.sort(key=len)
    if len(prefixes) == 2 and not prefixes[1].startswith(prefixes[0]):
        return None  # two divisions that do not meet: the (empty) count is cheap
    return prefixes[-1] if prefixes else ""
