"""Read the current standard: the lines for a year and province, and the indicator rules ready to compile."""

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Changeset
from fupin.errors import FupinError, Problem
from fupin.registry.codelists import CodeList
from fupin.standards.exit_criteria import ExitCriteria
from fupin.standards.expressions import Parameter, Rule, parse_rule
from fupin.standards.models import Indicator, MonitoringRange, PovertyLine, StandardSet

NATIONAL = "00"
Row = TypeVar("Row", PovertyLine, MonitoringRange)


@dataclass(frozen=True, slots=True)
class Lines:
    identification_line: float
    exit_line: float
    monitoring_ceiling: float | None
    confirmed: bool


def find_current(*, session: Session) -> StandardSet | None:
    return session.scalar(_CURRENT)


_CURRENT = select(StandardSet).where(StandardSet.is_current.is_(True))  # built once: every household page asks


def current(*, session: Session) -> StandardSet:
    standard = find_current(session=session)
    if standard is None:
        raise FupinError(
            Problem(
                "standard-missing", "尚未载入评估标准", expected="先运行 fupin standards load（载入系统默认的国家标准）"
            )
        )
    return standard


def exit_criteria(standard: StandardSet) -> ExitCriteria:
    return ExitCriteria.from_data(standard.exit_criteria or {}, standard.source or "")


def lines_for(*, session: Session, standard: StandardSet, year: int, province_code: str) -> Lines:
    """The province's own line where it has one, else the national default."""
    line = _province_first(session, PovertyLine, standard, year, province_code)
    if line is None:
        raise FupinError(
            Problem(
                "standard-missing", f"评估标准中没有{year}年的收入线", expected="在标准中补充该年度的识别线和退出线"
            )
        )
    band = _province_first(session, MonitoringRange, standard, year, province_code)
    return Lines(line.identification_line, line.exit_line, band.income_ceiling if band else None, line.confirmed)


def _province_first(
    session: Session, model: type[Row], standard: StandardSet, year: int, province_code: str
) -> Row | None:
    rows = session.scalars(
        select(model).where(
            model.set_id == standard.id, model.year == year, model.province_code.in_([province_code, NATIONAL])
        )
    ).all()
    return min(rows, key=lambda row: row.province_code == NATIONAL, default=None)


def poverty_lines(*, session: Session, standard: StandardSet) -> list[PovertyLine]:
    return _yearly(session, PovertyLine, standard)


def monitoring_ranges(*, session: Session, standard: StandardSet) -> list[MonitoringRange]:
    return _yearly(session, MonitoringRange, standard)


def _yearly(session: Session, model: type[Row], standard: StandardSet) -> list[Row]:
    statement = select(model).where(model.set_id == standard.id).order_by(model.year, model.province_code)
    return list(session.scalars(statement))


def versions(*, session: Session) -> list[tuple[StandardSet, Changeset]]:
    """Every stored version, newest first, with the changeset that created it (who, when, from where)."""
    statement = (
        select(StandardSet, Changeset)
        .join(Changeset, Changeset.id == StandardSet.created_changeset_id)
        .order_by(StandardSet.id.desc())
    )
    return [(standard, changeset) for standard, changeset in session.execute(statement).all()]


def get(*, session: Session, set_id: int) -> StandardSet | None:
    return session.get(StandardSet, set_id)


def indicators(*, session: Session, standard: StandardSet) -> list[Indicator]:
    return list(session.scalars(select(Indicator).where(Indicator.set_id == standard.id).order_by(Indicator.position)))


def rules_for(items: list[Indicator], lines: Lines, lists: dict[str, CodeList]) -> list[Rule]:
    """Each indicator's rule with its own parameters plus the year's lines (:exit_line, :identification_line …)."""
    automatic: dict[str, Parameter] = {
        "exit_line": lines.exit_line,
        "identification_line": lines.identification_line,
        "monitoring_ceiling": lines.monitoring_ceiling if lines.monitoring_ceiling is not None else lines.exit_line,
    }
    return [
        parse_rule(item.code, item.rule, parameters={**automatic, **item.parameters}, lists=lists)  # type: ignore[dict-item]
        for item in items
    ]
