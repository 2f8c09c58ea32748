"""The exit-readiness report of a village or a county: the figures, the exit checks, and the households in the way.

Figures come from the live registry in one GROUP BY over the unit's code range: remaining registered poor
(未脱贫, 返贫, 新识别) and exited (已脱贫) people. The denominator is the stored rural population; where it is not
complete the incidence is 农村人口未知, never guessed. The households that block are the remaining poor (each with
its latest verdict, or none) and the exited households whose latest verdict does not meet the exit standard (the
wrong exits an assessment would find); one indexed query, paged.
"""

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from fupin.analytics.measures import POOR_STATUSES
from fupin.assessment.exit import Check, Survey, UnitExit, county_exit, village_exit
from fupin.assessment.exit_models import Sample
from fupin.assessment.models import AssessmentRun, Verdict
from fupin.assessment.population import Denominator, denominator, populations
from fupin.assessment.survey import Estimates, estimates, latest_sample
from fupin.divisions import service as divisions
from fupin.divisions.codes import prefix, prefix_range
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry.models import Household, Member
from fupin.standards import service as standards
from fupin.standards.exit_criteria import ExitCriteria
from fupin.standards.models import Indicator, StandardSet

EXITED = "已脱贫"
LEVELS = {3: "县", 5: "村"}
NO_SAMPLE = "尚无抽样调查结果"
NO_POPULATION = "农村人口未知"


@dataclass(frozen=True, slots=True)
class Figures:
    households: int
    people: int
    poor_households: int
    poor_people: int
    exited_households: int
    exited_people: int


@dataclass(frozen=True, slots=True)
class Blocking:
    household_id: int
    household_number: str
    division_code: str
    village: str
    poverty_status: str | None
    members: int
    per_capita_net_income: float | None
    exit_line: float | None
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class VillageLine:
    code: str
    name: str
    figures: Figures
    rural_population: int | None
    check: Check


@dataclass(frozen=True, slots=True)
class Readiness:
    unit: Division
    year: int | None
    run: AssessmentRun | None
    figures: Figures
    population: Denominator | None
    exit: UnitExit
    sample: Sample | None
    estimates: Estimates | None
    blocking_total: int
    blocking: list[Blocking]
    page: int
    page_size: int
    villages: list[VillageLine]  # a county's villages; empty for a village


def locate(*, session: Session, scope: Scope, code: str) -> Division | None:
    """The village or county, if it exists and lies in the scope (None answers 404 for both cases)."""
    unit = divisions.get(session=session, code=code) if len(code) == 12 and code.isdigit() else None
    if unit is None or unit.level not in LEVELS or not scope.covers(prefix(unit.code)):
        return None
    return unit


def report(
    *, session: Session, scope: Scope, code: str, year: int | None = None, page: int = 1, page_size: int = 50
) -> Readiness | None:
    unit = locate(session=session, scope=scope, code=code)
    if unit is None:
        return None
    unit_prefix = prefix(unit.code)
    run = latest_run(session, unit_prefix, year)
    year = year or (run.year if run else None)
    figures = _figures(session, unit_prefix)
    population = denominator(session=session, prefix=unit_prefix, year=year) if year else None
    sample = latest_sample(session=session, county_code=unit.code, year=year) if unit.level == 3 else None
    found = estimates(session=session, sample=sample) if sample else None
    criteria = criteria_of(session, run)
    checks = _checks(unit, figures, population, found, criteria)
    total, rows = _blocking(session, unit_prefix, run, limit=page_size, offset=(page - 1) * page_size)
    villages = village_lines(session, unit_prefix, year, criteria) if unit.level == 3 else []
    return Readiness(
        unit, year, run, figures, population, checks, sample, found, total, rows, page, page_size, villages
    )


def latest_run(session: Session, unit_prefix: str, year: int | None) -> AssessmentRun | None:
    """The newest finished run whose scope holds the whole unit."""
    covering = [unit_prefix[:n] for n in (0, 2, 4, 6, 9, 12) if n <= len(unit_prefix)]
    statement = select(AssessmentRun).where(AssessmentRun.status == "done", AssessmentRun.scope_prefix.in_(covering))
    if year is not None:
        statement = statement.where(AssessmentRun.year == year)
    return session.scalars(statement.order_by(AssessmentRun.id.desc()).limit(1)).first()


def _figure_columns() -> tuple[Any, list[Any]]:
    """The member-count subquery and the six figures of `Figures` as sums over households joined to it."""
    members = (
        select(Member.household_id, func.count().label("n"))
        .where(Member.deleted_at.is_(None))
        .group_by(Member.household_id)
        .subquery()
    )
    n = func.coalesce(members.c.n, 0)
    poor = Household.poverty_status.in_(POOR_STATUSES)
    exited = Household.poverty_status == EXITED
    columns = [
        func.count(),
        func.coalesce(func.sum(n), 0),
        func.coalesce(func.sum(case((poor, 1), else_=0)), 0),
        func.coalesce(func.sum(case((poor, n), else_=0)), 0),
        func.coalesce(func.sum(case((exited, 1), else_=0)), 0),
        func.coalesce(func.sum(case((exited, n), else_=0)), 0),
    ]
    return members, columns


def _figures_statement(unit_prefix: str, *leading: Any) -> Select[Any]:
    low, high = prefix_range(unit_prefix)
    members, columns = _figure_columns()
    return (
        select(*leading, *columns)
        .select_from(Household)
        .outerjoin(members, members.c.household_id == Household.id)
        .where(Household.deleted_at.is_(None), Household.division_code >= low, Household.division_code < high)
    )


def _figures(session: Session, unit_prefix: str) -> Figures:
    row = session.execute(_figures_statement(unit_prefix)).one()
    return Figures(*(int(value) for value in row))


def village_lines(session: Session, unit_prefix: str, year: int | None, criteria: ExitCriteria) -> list[VillageLine]:
    """Every village of the unit that holds registered households: its figures and its own incidence check."""
    statement = _figures_statement(unit_prefix, Household.division_code).group_by(Household.division_code)
    rows = session.execute(statement.order_by(Household.division_code)).all()
    known = populations(session=session, prefix=unit_prefix, year=year) if year else {}
    names = divisions.names(session=session, codes=[row[0] for row in rows])
    lines = []
    for code, *values in rows:
        figures = Figures(*(int(value) for value in values))
        rural = known.get(code)
        check = village_exit(division_code=code, remaining_poor=figures.poor_people, rural_population=rural or 0,
                             criteria=criteria).checks[0]  # fmt: skip
        lines.append(VillageLine(code, names.get(code, code), figures, rural, check))
    return lines


def _checks(
    unit: Division, figures: Figures, population: Denominator | None, found: Estimates | None, criteria: ExitCriteria
) -> UnitExit:
    rural = population.population if population else None
    incidence = village_exit(
        division_code=unit.code, remaining_poor=figures.poor_people, rural_population=rural or 0, criteria=criteria
    )
    if unit.level == 5:
        return incidence
    survey = found.survey if found else None
    county = county_exit(
        division_code=unit.code,
        remaining_poor=figures.poor_people,
        rural_population=rural or 0,
        non_registered_population=max(0, (rural or 0) - figures.poor_people - figures.exited_people),
        exited_population=figures.exited_people,
        survey=survey or Survey(0, 0, 0, 0, 0, 0),
        criteria=criteria,
    )
    return UnitExit(unit.code, incidence.checks + [_explained(check, rural, survey) for check in county.checks])


def _explained(check: Check, rural: int | None, survey: Survey | None) -> Check:
    """Without a survey no sampled figure is known (not zero); without a population no incidence is."""
    if survey is None:
        return replace(check, value=None, passed=None, note=NO_SAMPLE)
    if check.value is None:
        return replace(
            check, note=NO_POPULATION if rural is None and check.name == "综合贫困发生率" else "样本中无此类户"
        )
    return check


def criteria_of(session: Session, run: AssessmentRun | None) -> ExitCriteria:
    """The thresholds of the standard the run used; without a run the current standard's, else the national ones."""
    if run is not None:
        standard = session.get(StandardSet, run.standard_set_id)
    else:
        try:
            standard = standards.current(session=session)
        except FupinError:
            standard = None
    return standards.exit_criteria(standard) if standard is not None else ExitCriteria()


def _blocking(
    session: Session, unit_prefix: str, run: AssessmentRun | None, *, limit: int, offset: int
) -> tuple[int, list[Blocking]]:
    low, high = prefix_range(unit_prefix)
    verdict_on = and_(Verdict.household_id == Household.id, Verdict.run_id == (run.id if run else -1))
    poor = Household.poverty_status.in_(POOR_STATUSES)
    blocks = or_(poor, and_(Household.poverty_status == EXITED, Verdict.meets_exit.is_(False)))
    where = (Household.deleted_at.is_(None), Household.division_code >= low, Household.division_code < high, blocks)
    total = session.scalar(select(func.count()).select_from(Household).outerjoin(Verdict, verdict_on).where(*where))
    rows = session.execute(
        select(
            Household.id, Household.household_number, Household.division_code, Household.poverty_status,
            Verdict.members, Verdict.per_capita_net_income, Verdict.exit_line, Verdict.failed_mask,
            Verdict.unknown_mask, Verdict.meets_exit,
        )
        .outerjoin(Verdict, verdict_on)
        .where(*where)
        .order_by(Household.division_code, Household.household_number)
        .limit(limit)
        .offset(offset)
    ).all()  # fmt: skip
    names = _indicator_names(session, run)
    villages = divisions.names(session=session, codes=sorted({row[2] for row in rows}))
    return int(total or 0), [
        Blocking(
            row[0],
            row[1],
            row[2],
            villages.get(row[2], row[2]),
            row[3],
            int(row[4] or 0),
            row[5],
            row[6],
            reasons(row[3], row[5], row[6], row[7], row[8], row[9], names),
        )
        for row in rows
    ]


def _indicator_names(session: Session, run: AssessmentRun | None) -> list[str]:
    if run is None:
        return []
    rows = session.execute(select(Indicator.code, Indicator.name).where(Indicator.set_id == run.standard_set_id))
    named = dict(rows.all())
    return [named.get(code, code) for code in run.indicator_codes]


def reasons(
    status: str | None,
    income: float | None,
    line: float | None,
    failed: int | None,
    unknown: int | None,
    meets: bool | None,
    names: list[str],
) -> list[str]:
    """Why a household blocks the exit, in the words of the report."""
    found = [f"仍为贫困户（{status}）" if status != EXITED else "已脱贫但未达到退出标准（疑似错退）"]
    if meets is None:
        return [*found, "本次评估未覆盖该户"]
    if line is not None and (income is None or income <= line):
        found.append(f"人均纯收入{'未填' if income is None else f'{income:,.0f}元'}，未高于退出线{line:,.0f}元")
    found += [f"未达标：{name}" for bit, name in enumerate(names) if (failed or 0) >> bit & 1]
    found += [f"无法判断（数据缺失）：{name}" for bit, name in enumerate(names) if (unknown or 0) >> bit & 1]
    if meets:
        found.append("已达到退出标准，可按程序退出")
    return found
