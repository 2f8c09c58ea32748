"""Reading the verdict roll-ups of a unit and of its children, within the caller's `Scope`, never the verdicts.

Every read applies `scope.condition` to the rows' codes (the one choke point), so a unit outside the scope, or an
ancestor of the scope's unit, reads as nothing. The Alkire–Foster index of any unit is exact from its row's sums.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fupin.assessment import rollup
from fupin.assessment.models import AssessmentRun, IndicatorFigures, UnitFigures
from fupin.assessment.mpi import Mpi
from fupin.divisions.codes import NATIVE_LENGTH, prefix_range
from fupin.divisions.scope import Scope
from fupin.standards import service as standards
from fupin.standards.models import StandardSet

FIGURES: Table = UnitFigures.__table__  # type: ignore[assignment]
INDICATORS: Table = IndicatorFigures.__table__  # type: ignore[assignment]
COUNT_NAMES = tuple(name for name in rollup.COUNTS if name != "poor_score")


@dataclass(frozen=True, slots=True)
class IndicatorCount:
    code: str
    name: str
    failed: int  # households
    unknown: int  # households
    failed_members: int
    censored_members: int
    censored_score: float


@dataclass(frozen=True, slots=True)
class VerdictFigures:
    """One unit's verdict counts for a year, its indicators' counts, and the sums behind its MPI."""

    year: int
    counts: dict[str, int]
    poor_score: float
    mpi_cutoff: float
    villages: int
    run_id: int
    refreshed_at: datetime | None
    indicators: list[IndicatorCount] = field(default_factory=list)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def mpi(self, group: str = "") -> Mpi:
        """H, A, M0, censored headcounts and contributions, as exact ratios of the additive sums."""
        n, q, score = self.counts["members"], self.counts["poor_members"], self.poor_score
        censored = {i.code: (i.censored_members / n if n else 0.0) for i in self.indicators}
        contributions = {i.code: (i.censored_score / score if score else 0.0) for i in self.indicators}
        return Mpi(
            group, n, q, q / n if n else 0.0, score / q if q else 0.0, score / n if n else 0.0, censored, contributions
        )

    def top_failing(self, limit: int = 5) -> list[IndicatorCount]:
        ranked = sorted(self.indicators, key=lambda i: (-i.failed, i.code))
        return [i for i in ranked if i.failed][:limit]


@dataclass(frozen=True, slots=True)
class UnitVerdicts:
    """A unit's figures for one year and its children's (keyed by code), with the years it has figures for."""

    year: int | None
    years: list[int]
    totals: VerdictFigures | None
    children: dict[str, VerdictFigures]


def for_unit(*, session: Session, scope: Scope, code: str, level: int, year: int | None = None) -> UnitVerdicts:
    """A unit's figures (level 0 the country … 5 a village) for the year, default its latest, and its children's."""
    known = years(session=session, scope=scope, code=code)
    chosen = year if year is not None else next(iter(known), None)
    if chosen is None:
        return UnitVerdicts(None, known, None, {})
    totals = of_unit(session=session, scope=scope, code=code, year=chosen)
    below = (
        {}
        if level >= max(NATIVE_LENGTH)
        else of_children(session=session, scope=scope, prefix=_prefix(code, level), level=level + 1, year=chosen)
    )
    return UnitVerdicts(chosen, known, totals, below)


def years(*, session: Session, scope: Scope, code: str) -> list[int]:
    """The years for which the unit has figures, newest first (none outside the scope)."""
    statement = select(FIGURES.c.year).where(FIGURES.c.division_code == code, scope.condition(FIGURES.c.division_code))
    return sorted(session.scalars(statement), reverse=True)


def of_unit(*, session: Session, scope: Scope, code: str, year: int | None = None) -> VerdictFigures | None:
    """The figures of the unit with this 12-digit code for the year (default: its latest), or None."""
    chosen = year if year is not None else next(iter(years(session=session, scope=scope, code=code)), None)
    if chosen is None:
        return None
    found = _read(session, scope, chosen, [FIGURES.c.division_code == code], [INDICATORS.c.division_code == code])
    return found.get(code)


def of_children(*, session: Session, scope: Scope, prefix: str, level: int, year: int) -> dict[str, VerdictFigures]:
    """The figures of the units at `level` under a native prefix ('' for the country), keyed by 12-digit code."""
    low, high = prefix_range(prefix)
    rows = [FIGURES.c.level == level, FIGURES.c.division_code >= low, FIGURES.c.division_code < high]
    counts = [INDICATORS.c.level == level, INDICATORS.c.division_code >= low, INDICATORS.c.division_code < high]
    return _read(session, scope, year, rows, counts)


def _read(
    session: Session, scope: Scope, year: int, conditions: list[Any], indicator_conditions: list[Any]
) -> dict[str, VerdictFigures]:
    """The rows matching the conditions inside the scope, each with its indicator rows."""
    statement = select(FIGURES).where(FIGURES.c.year == year, scope.condition(FIGURES.c.division_code), *conditions)
    rows = session.execute(statement.order_by(FIGURES.c.division_code)).all()
    if not rows:
        return {}
    names = _indicator_names(session, max(row.run_id for row in rows))
    by_unit: dict[str, list[IndicatorCount]] = {}
    counts = select(INDICATORS).where(
        INDICATORS.c.year == year, scope.condition(INDICATORS.c.division_code), *indicator_conditions
    )
    for row in session.execute(counts.order_by(INDICATORS.c.division_code, INDICATORS.c.indicator_code)):
        by_unit.setdefault(row.division_code, []).append(_indicator(row, names))
    return {row.division_code: _figures(row, by_unit.get(row.division_code, [])) for row in rows}


def _figures(row: Any, indicators: list[IndicatorCount]) -> VerdictFigures:
    return VerdictFigures(
        year=int(row.year),
        counts={name: int(getattr(row, name)) for name in COUNT_NAMES},
        poor_score=float(row.poor_score),
        mpi_cutoff=float(row.mpi_cutoff),
        villages=int(row.villages),
        run_id=int(row.run_id),
        refreshed_at=row.refreshed_at,
        indicators=indicators,
    )


def _indicator(row: Any, names: dict[str, str]) -> IndicatorCount:
    return IndicatorCount(
        code=row.indicator_code,
        name=names.get(row.indicator_code, row.indicator_code),
        failed=int(row.failed),
        unknown=int(row.unknown),
        failed_members=int(row.failed_members),
        censored_members=int(row.censored_members),
        censored_score=float(row.censored_score),
    )


def _indicator_names(session: Session, run_id: int) -> dict[str, str]:
    """Indicator names of the standard the newest summed run used (codes unknown to it show as their code)."""
    run = session.get(AssessmentRun, run_id)
    standard = session.get(StandardSet, run.standard_set_id) if run else None
    if standard is None:
        return {}
    return {item.code: item.name for item in standards.indicators(session=session, standard=standard)}


def _prefix(code: str, level: int) -> str:
    return "" if level == 0 else code[: NATIVE_LENGTH[level]]
