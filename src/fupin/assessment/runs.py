"""Reading runs and verdicts within a scope: the runs a user may see, a run's counts, a household's verdicts.

A run is visible to a user when it overlaps their scope (a run of their village, or of the county around it);
its figures are then counted over the verdicts inside the user's scope only, never the run's own totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from fupin.assessment.models import AssessmentRun, Verdict
from fupin.audit import Changeset
from fupin.divisions.scope import Scope
from fupin.errors import NotFoundError, Problem
from fupin.registry.models import Income
from fupin.side_by_side import Part
from fupin.standards.models import Indicator, StandardSet
from fupin.standards.service import VersionKey, current_version

VERDICT_LIMIT = 20  # a household's verdicts shown and read at most, newest first


@dataclass(frozen=True, slots=True)
class RunRow:
    run: AssessmentRun
    standard: StandardSet
    changeset: Changeset


@dataclass(frozen=True, slots=True)
class IndicatorCount:
    code: str
    name: str
    required_for_exit: bool
    failed: int
    unknown: int


@dataclass(frozen=True, slots=True)
class RunCounts:
    households: int
    meeting: int
    indicators: list[IndicatorCount]

    @property
    def not_meeting(self) -> int:
        return self.households - self.meeting


@dataclass(frozen=True, slots=True)
class VerdictRun:
    id: int
    year: int
    started_at: datetime
    indicator_codes: list[str]


@dataclass(frozen=True, slots=True)
class VerdictStandard:
    id: int
    version: int


@dataclass(frozen=True, slots=True)
class StoredVerdict:
    meets_exit: bool
    per_capita_net_income: float | None
    exit_line: float
    members: int
    failed_mask: int
    unknown_mask: int


@dataclass(frozen=True, slots=True)
class HouseholdVerdict:
    run: VerdictRun
    standard: VerdictStandard
    verdict: StoredVerdict
    failed: list[str]  # indicator codes
    unknown: list[str]


def overlaps(scope: Scope) -> ColumnElement[bool]:
    """Runs inside the scope, or around it (a county run seen by a village cadre, who sees only their village)."""
    if scope.view_prefix is None:
        return false()
    around = literal(scope.view_prefix).startswith(AssessmentRun.scope_prefix)
    return or_(scope.contains_prefix(AssessmentRun.scope_prefix), around)


def list_(*, session: Session, scope: Scope, before_id: int | None = None, limit: int = 20) -> list[RunRow]:
    statement = _rows().where(overlaps(scope))
    if before_id is not None:
        statement = statement.where(AssessmentRun.id < before_id)
    found = session.execute(statement.order_by(AssessmentRun.id.desc()).limit(limit))
    return [RunRow(run, standard, changeset) for run, standard, changeset in found]


def get_or_raise(*, session: Session, scope: Scope, run_id: int) -> RunRow:
    """The run, or 404 whether it does not exist or does not overlap the scope."""
    row = session.execute(_rows().where(AssessmentRun.id == run_id, overlaps(scope))).first()
    if row is None:
        raise NotFoundError(Problem("assessment-run-not-found", f"评估 {run_id} 不存在或不在您的数据范围内"))
    run, standard, changeset = row
    return RunRow(run, standard, changeset)


def _rows() -> Select[AssessmentRun, StandardSet, Changeset]:
    return (
        select(AssessmentRun, StandardSet, Changeset)
        .join(StandardSet, StandardSet.id == AssessmentRun.standard_set_id)
        .join(Changeset, Changeset.id == AssessmentRun.changeset_id)
    )


def whole(scope: Scope, run: AssessmentRun) -> bool:
    """Whether the user's scope covers the whole run, so its stored totals may be shown."""
    return scope.covers(run.scope_prefix)


def counts(*, session: Session, scope: Scope, run: AssessmentRun) -> RunCounts:
    """Households, those meeting the exit standard, and per indicator failed and undecided: one pass, in SQL."""
    columns = [func.count(), func.sum(case((Verdict.meets_exit.is_(True), 1), else_=0))]
    for bit in range(len(run.indicator_codes)):
        columns.append(func.sum(case((Verdict.failed_mask.op("&")(1 << bit) != 0, 1), else_=0)))
        columns.append(func.sum(case((Verdict.unknown_mask.op("&")(1 << bit) != 0, 1), else_=0)))
    statement = select(*columns).where(Verdict.run_id == run.id, scope.condition(Verdict.division_code))
    values = [int(value or 0) for value in session.execute(statement).one()]
    items = _indicators(session, run)
    return RunCounts(
        households=values[0],
        meeting=values[1],
        indicators=[
            IndicatorCount(code, items[code].name if code in items else code,
                           bool((run.required_mask >> bit) & 1), values[2 + 2 * bit], values[3 + 2 * bit])
            for bit, code in enumerate(run.indicator_codes)
        ],
    )  # fmt: skip


def _indicators(session: Session, run: AssessmentRun) -> dict[str, Indicator]:
    rows = session.scalars(select(Indicator).where(Indicator.set_id == run.standard_set_id))
    return {row.code: row for row in rows}


def household_verdicts(*, session: Session, household_id: int, limit: int = VERDICT_LIMIT) -> list[HouseholdVerdict]:
    """A household's verdicts across runs, newest first (the caller loaded the household through the scope)."""
    return verdicts_and_current(session=session, household_id=household_id, limit=limit)[0]


def verdicts_and_current(
    *, session: Session, household_id: int, limit: int = VERDICT_LIMIT
) -> tuple[list[HouseholdVerdict], VersionKey | None]:
    """`household_verdicts`, and the current version of the standard as the same statement saw it (None when the
    household has no verdict, so no row came back to carry it): a household's page explains with that version.

    Read as plain rows (every household page asks, and three entities a row cost more than the statement).
    """
    session.flush()  # the statement goes to the connection, which the ORM's autoflush does not see
    found = session.connection().execute(_HOUSEHOLD_VERDICTS, {"household_id": household_id, "verdict_limit": limit})
    return verdicts_of(found)


def verdicts_of(rows: Iterable[Any]) -> tuple[list[HouseholdVerdict], VersionKey | None]:
    """The rows of VERDICTS_PART (read alone or with other parts) or of the statement above, as `verdicts_and_current`
    gives them."""
    verdicts, current = [], None
    for row in rows:
        run_id, year, started_at, codes, set_id, version, meets, income, line, members, failed, unknown, *_ = row
        run = VerdictRun(run_id, year, started_at, codes)
        verdict = StoredVerdict(meets, income, line, members, failed, unknown)
        standard = VerdictStandard(set_id, version)
        verdicts.append(HouseholdVerdict(run, standard, verdict, _bits(run, failed), _bits(run, unknown)))
        current = VersionKey(row.current_id, row.current_created_at) if row.current_id is not None else current
    return verdicts, current


# Built once: every household page asks it. Columns in the order of VerdictRun, VerdictStandard and StoredVerdict,
# then the current version's key (the version each run used is another row of the same table).
_CURRENT_SET = StandardSet.__table__.alias("current_set")
_VERDICTS = (
    select(
        AssessmentRun.id.label("run_id"), AssessmentRun.year, AssessmentRun.started_at, AssessmentRun.indicator_codes,
        StandardSet.id.label("set_id"), StandardSet.version,
        Verdict.meets_exit, Verdict.per_capita_net_income, Verdict.exit_line, Verdict.members, Verdict.failed_mask,
        Verdict.unknown_mask,
        current_version(_CURRENT_SET, _CURRENT_SET.c.id).scalar_subquery().label("current_id"),
        current_version(_CURRENT_SET, _CURRENT_SET.c.created_at).scalar_subquery().label("current_created_at"),
    )
    .join(Verdict, Verdict.run_id == AssessmentRun.id)
    .join(StandardSet, StandardSet.id == AssessmentRun.standard_set_id)
    .where(Verdict.household_id == bindparam("household_id", type_=Integer))
)  # fmt: skip
_HOUSEHOLD_VERDICTS = _VERDICTS.order_by(AssessmentRun.id.desc()).limit(
    bindparam("verdict_limit", type_=Integer, literal_execute=True)
)
# A household's newest verdicts with the current version's key, to be read with other parts (`household_id`).
VERDICTS_PART = Part("VerdictRow", _VERDICTS, lambda c: (c.run_id.desc(),), limit=VERDICT_LIMIT)


def _bits(run: VerdictRun, mask: int) -> list[str]:
    return [code for bit, code in enumerate(run.indicator_codes) if (mask >> bit) & 1]


def latest_income_year(*, session: Session, household_id: int) -> int | None:
    """The newest year the household has an income row for: the year its page explains when it has no verdict."""
    statement = select(func.max(Income.year)).where(Income.household_id == household_id, Income.deleted_at.is_(None))
    year = session.scalar(statement)
    return int(year) if year is not None else None
