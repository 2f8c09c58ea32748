"""A unit's dashboard: its figures, the units one and two levels below with theirs, and its trend by month."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fupin.analytics import rollup
from fupin.analytics.models import COUNTRY_CODE
from fupin.analytics.rollup import Figures, MonthFigures
from fupin.divisions import service as divisions
from fupin.divisions.codes import NATIVE_LENGTH, is_code, pad, prefix
from fupin.divisions.scope import Scope

COUNTRY_NAME = "全国"


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    level: int  # 0 the country, 1 province … 5 village


@dataclass(frozen=True, slots=True)
class UnitFigures:
    unit: Unit
    figures: Figures
    below: list["UnitFigures"]  # the units under this one (filled one level deep, for the treemap)


@dataclass(frozen=True, slots=True)
class Dashboard:
    unit: Unit
    chain: list[Unit]  # from the top of the caller's scope down to the unit's parent
    totals: Figures
    children: list[UnitFigures]
    trend: list[MonthFigures]


COUNTRY = Unit(COUNTRY_CODE, COUNTRY_NAME, 0)


def scope_root(scope: Scope) -> str | None:
    """The 12-digit code of the unit a scope covers (the country's code for the whole country; None for nothing)."""
    if scope.view_prefix is None:
        return None
    return pad(scope.view_prefix) if scope.view_prefix else COUNTRY_CODE


def locate(*, session: Session, scope: Scope, code: str) -> tuple[Unit, list[Unit]] | None:
    """The unit and its ancestors inside the scope, or None when the code is unknown or outside the scope."""
    if code == COUNTRY_CODE:
        return (COUNTRY, []) if scope.view_prefix == "" else None
    found = divisions.get(session=session, code=code) if is_code(code) and scope.covers(code) else None
    if found is None:
        return None
    chain = [Unit(u.code, u.name, u.level) for u in divisions.parent_chain(session=session, code=code)]
    ancestors = ([COUNTRY] if scope.view_prefix == "" else []) + [u for u in chain[:-1] if scope.covers(u.code)]
    return Unit(found.code, found.name, found.level), ancestors


def build(*, session: Session, scope: Scope, code: str) -> Dashboard | None:
    """The dashboard of a unit inside the scope, or None (unknown or out of scope: the caller answers 404)."""
    located = locate(session=session, scope=scope, code=code)
    if located is None:
        return None
    unit, chain = located
    unit_prefix = _prefix(unit)
    return Dashboard(
        unit=unit,
        chain=chain,
        totals=rollup.totals(session=session, scope=scope, prefix=unit_prefix),
        children=children(session=session, scope=scope, unit=unit, depth=2),
        trend=rollup.trend(session=session, scope=scope, code=unit.code),
    )


def children(*, session: Session, scope: Scope, unit: Unit, depth: int = 1) -> list[UnitFigures]:
    """The units under `unit` with their figures (zero where no household is registered), `depth` levels deep."""
    if unit.level >= max(NATIVE_LENGTH) or depth < 1:
        return []
    level = unit.level + 1
    parent = None if unit.level == 0 else unit.code
    units = [Unit(u.code, u.name, u.level) for u in divisions.children(session=session, code=parent)]
    figures = rollup.by_unit(session=session, scope=scope, prefix=_prefix(unit), length=NATIVE_LENGTH[level])
    below = _grandchildren(session, scope, unit, level) if depth > 1 else {}
    return [
        UnitFigures(child, figures.get(child.code, Figures()), below.get(child.code, []))
        for child in units
        if scope.covers(child.code)
    ]


def _grandchildren(session: Session, scope: Scope, unit: Unit, level: int) -> dict[str, list[UnitFigures]]:
    if level >= max(NATIVE_LENGTH):
        return {}
    length = NATIVE_LENGTH[level + 1]
    figures = rollup.by_unit(session=session, scope=scope, prefix=_prefix(unit), length=length)
    grouped: dict[str, list[UnitFigures]] = {}
    for u in divisions.descendants(session=session, prefix=_prefix(unit), level=level + 1):
        if scope.covers(u.code) and u.parent_code:
            entry = UnitFigures(Unit(u.code, u.name, u.level), figures.get(u.code, Figures()), [])
            grouped.setdefault(u.parent_code, []).append(entry)
    return grouped


def _prefix(unit: Unit) -> str:
    return "" if unit.level == 0 else prefix(unit.code, unit.level)
