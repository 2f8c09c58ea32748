"""Assess every household of a scope against the current standard, set-wise, and explain one household.

One INSERT … SELECT per province (each province may have its own lines) writes the verdicts of all its households;
bit i of `failed_mask`/`unknown_mask` is the run's i-th indicator, so roll-ups are plain sums in SQL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session

from fupin.assessment import rollup
from fupin.assessment.models import AssessmentRun
from fupin.assessment.mpi import normalised
from fupin.audit import Actor, open_changeset
from fupin.db import utcnow
from fupin.divisions.codes import prefix_range
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Problem
from fupin.registry.codelists import CodeList
from fupin.registry.models import Household, Income, Member
from fupin.registry.service import Belongings
from fupin.standards import service as standards
from fupin.standards.compile import compile_rules
from fupin.standards.evaluate import Outcome, evaluate
from fupin.standards.models import Indicator

Progress = Callable[[str, int, int], None]
MAX_INDICATORS = 30  # the masks are 32-bit integers on every database
DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
STAGE = "fupin_verdict_stage"


def assess(
    *,
    session: Session,
    year: int,
    scope: Scope,
    actor: Actor,
    lists: dict[str, CodeList],
    as_of: date | None = None,
    progress: Progress | None = None,
    mpi_cutoff: float = rollup.DEFAULT_MPI_CUTOFF,
) -> AssessmentRun:
    """Store a verdict for every live household in the scope and its roll-ups; returns the finished run."""
    if scope.view_prefix is None:
        raise FupinError(Problem("scope-empty", "没有可评估的范围", expected="有查看范围的用户"))
    _check_cutoff(mpi_cutoff)
    standard = standards.current(session=session)
    items = standards.indicators(session=session, standard=standard)
    _check_indicators(items)
    changeset = open_changeset(
        session=session, actor=actor, purpose="评估", source=f"{year}年 {scope.view_prefix or '全国'}"
    )
    run = AssessmentRun(
        year=year,
        scope_prefix=scope.view_prefix,
        as_of=as_of or date(year, 12, 31),
        standard_set_id=standard.id,
        indicator_codes=[item.code for item in items],
        required_mask=sum(1 << i for i, item in enumerate(items) if item.required_for_exit),
        exit_lines={},
        changeset_id=changeset.id,
    )
    session.add(run)
    session.flush()
    _tune(session)
    provinces = _provinces(session, scope.view_prefix)
    report = progress or (lambda _phase, _done, _total: None)
    exit_lines: dict[str, float] = {}
    for done, province in enumerate(provinces):
        report("评估", done, len(provinces))
        lines = standards.lines_for(session=session, standard=standard, year=year, province_code=province)
        exit_lines[province] = lines.exit_line
        rules = standards.rules_for(items, lines, lists)
        _insert_verdicts(session, run, rules, items, max(scope.view_prefix, province, key=len), lines.exit_line)
    report("评估", len(provinces), len(provinces))
    run.exit_lines = exit_lines
    run.households, run.meeting = rollup.refresh(
        session=session, run=run, weights=indicator_weights(items), k=mpi_cutoff, now=utcnow()
    )
    run.status, run.finished_at = "done", utcnow()
    session.flush()
    return run


def _tune(session: Session) -> None:
    """PostgreSQL: give the one big GROUP BY enough memory not to spill, for this transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '256MB'"))


def _check_indicators(items: list[Indicator]) -> None:
    if not items:
        raise FupinError(Problem("standard-missing", "当前标准没有指标", expected="在标准中至少定义一个指标"))
    if len(items) > MAX_INDICATORS:
        raise FupinError(
            Problem("standard-field", f"指标有{len(items)}个，超过上限", expected=f"不超过{MAX_INDICATORS}个指标")
        )


def _check_cutoff(k: float) -> None:
    if not 0 < k <= 1:
        raise FupinError(Problem("mpi-cutoff", f"贫困临界值k为{k}，超出范围", value=str(k), expected="大于0且不超过1"))


def indicator_weights(items: list[Indicator]) -> dict[str, float]:
    """The standard's indicator weights summing to 1 (equal weights when the standard gives none)."""
    if sum(max(item.weight, 0.0) for item in items) <= 0:
        return {item.code: 1 / len(items) for item in items}
    return normalised({item.code: max(item.weight, 0.0) for item in items})


def _provinces(session: Session, prefix: str) -> list[str]:
    """Province codes inside the scope that hold live households (an indexed existence check per province)."""
    candidates = (
        [prefix[:2]]
        if len(prefix) >= 2
        else [
            code[:2]
            for code in session.scalars(select(Division.code).where(Division.level == 1).order_by(Division.code))
        ]
    )
    found = []
    for province in candidates:
        low, high = prefix_range(max(prefix, province, key=len))
        live = exists().where(
            Household.division_code >= low, Household.division_code < high, Household.deleted_at.is_(None)
        )
        if session.scalar(select(live)):
            found.append(province)
    return found


def _insert_verdicts(
    session: Session, run: AssessmentRun, rules: list[Any], items: list[Indicator], prefix: str, exit_line: float
) -> None:
    dialect = DIALECTS[session.get_bind().dialect.name]
    compiled = compile_rules(
        rules,
        dialect=dialect,
        as_of=run.as_of,
        year=run.year,
        where="h.division_code >= :low AND h.division_code < :high",
        with_inputs=True,
    )
    failed = " + ".join(f'(CASE WHEN v."{item.code}" = 0 THEN {1 << i} ELSE 0 END)' for i, item in enumerate(items))
    unknown = " + ".join(
        f'(CASE WHEN v."{item.code}" IS NULL THEN {1 << i} ELSE 0 END)' for i, item in enumerate(items)
    )
    low, high = prefix_range(prefix)
    masks = f"SELECT v.*, {failed} AS failed, {unknown} AS unknown FROM ({compiled}) v"
    if dialect == "postgres":
        masks = _staged(session, masks.replace(":low", f"'{low}'").replace(":high", f"'{high}'"))
    session.execute(
        text(_insert_statement(masks, run.required_mask)),
        {"run": run.id, "exit_line": exit_line, "low": low, "high": high},
    )
    if dialect == "postgres":
        session.execute(text(f"DROP TABLE {STAGE}"))


def _staged(session: Session, masks: str) -> str:
    """PostgreSQL evaluates into a temporary table first: CREATE TABLE AS may use parallel workers, INSERT may not."""
    session.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
    session.execute(text(f"CREATE TEMPORARY TABLE {STAGE} AS {masks}"))
    return f"SELECT * FROM {STAGE}"


def _insert_statement(masks: str, required: int) -> str:
    return (
        "INSERT INTO assessment_verdict (run_id, household_id, division_code, members, per_capita_net_income, "
        "exit_line, failed_mask, unknown_mask, meets_exit) "
        "SELECT :run, household_id, division_code, member_count, per_capita_net_income, :exit_line, failed, unknown, "
        f"((failed & {required}) = 0 AND (unknown & {required}) = 0) FROM ({masks}) w"
    )


@dataclass(frozen=True, slots=True)
class Explained:
    """One indicator's verdict for one household, with the values that decided it."""

    indicator: standards.IndicatorRule
    outcome: Outcome


def explain(
    *,
    session: Session,
    household: Household,
    year: int,
    lists: dict[str, CodeList],
    held: Belongings | None = None,
    current: standards.VersionKey | None = None,
) -> list[Explained]:
    """The current standard applied to one household in Python: the same rules the set-wise run compiles.

    `held`: the household's live members and incomes when the caller has read them already (the household page);
    `current`: the current version's key when the caller has read it already (with the household's verdicts).
    """
    standard = current or standards.current_key(session=session)
    found = standards.applicable(
        session=session, standard=standard, year=year, province_code=household.division_code[:2]
    )
    rules = standards.applicable_rules(found, lists)
    income_row, member_rows = _inputs(session, household, year) if held is None else _held_inputs(held, year)
    household_row = _row(household)
    as_of = date(year, 12, 31)
    return [
        Explained(item, evaluate(rule, household=household_row, income=income_row, members=member_rows, as_of=as_of))
        for item, rule in zip(found.indicators, rules, strict=True)
    ]


def _inputs(session: Session, household: Household, year: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    income = session.scalars(
        select(Income).where(Income.household_id == household.id, Income.year == year, Income.deleted_at.is_(None))
    ).first()
    members = session.scalars(
        select(Member).where(Member.household_id == household.id, Member.deleted_at.is_(None)).order_by(Member.id)
    ).all()
    return (_row(income) if income else None), [_row(member) for member in members]


def _held_inputs(held: Belongings, year: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    income = next((row._asdict() for row in held.incomes if row.year == year), None)
    return income, [row._asdict() for row in sorted(held.members, key=lambda row: row.id)]


def _row(entity: object) -> dict[str, Any]:
    if isinstance(entity, tuple):  # a plain row, as a household's page reads it (`registry.service.read_household`)
        return entity._asdict()  # type: ignore[attr-defined, no-any-return]
    return {column.key: getattr(entity, column.key) for column in entity.__table__.columns}  # type: ignore[attr-defined]
