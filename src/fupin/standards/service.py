"""Read the current standard: the lines for a year and province, and the indicator rules ready to compile."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import FromClause, Integer, Select, literal_column, select
from sqlalchemy.orm import Session

from fupin.audit import Changeset
from fupin.errors import FupinError, Problem
from fupin.registry.codelists import CodeList
from fupin.standards.exit_criteria import ExitCriteria
from fupin.standards.expressions import Parameter, Rule, parse_rule
from fupin.standards.models import Indicator, MonitoringRange, PovertyLine, StandardSet

NATIONAL = "00"


class Version(Protocol):
    """A stored version as far as reading its rows goes: a loaded set, or its id and creation time alone."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class VersionKey:
    id: int
    created_at: datetime


Row = TypeVar("Row", PovertyLine, MonitoringRange)


@dataclass(frozen=True, slots=True)
class Lines:
    identification_line: float
    exit_line: float
    monitoring_ceiling: float | None
    confirmed: bool


def find_current(*, session: Session) -> StandardSet | None:
    found: StandardSet | None = session.scalar(_CURRENT)
    return found


def current(*, session: Session) -> StandardSet:
    standard = find_current(session=session)
    if standard is None:
        raise _missing()
    return standard


def current_version(sets: FromClause, *columns: Any) -> Select[Any]:
    """The current version's columns out of `sets` (the table, or an alias of it in a statement that also joins the
    versions runs used); the newest, should two loads running at once each have marked their own current."""
    return select(*columns).where(sets.c.is_current.is_(True)).order_by(sets.c.id.desc()).limit(_ONE)


# Written into the statement, not sent as a parameter: PostgreSQL plans a statement whose LIMIT is a parameter
# afresh on every execution (its generic plan cannot know the limit), and a household's page asks this one each time.
_ONE = literal_column("1", Integer)


_SETS = StandardSet.__table__
_CURRENT = current_version(_SETS, StandardSet)  # built once: the same version every reader of "current" takes
_CURRENT_KEY = current_version(_SETS, _SETS.c.id, _SETS.c.created_at)


def current_key(*, session: Session) -> VersionKey:
    """The current version's id and creation time: all a household's explanation needs once `applicable` keeps what
    the version says (the whole row carries the exit criteria and notes)."""
    found = session.execute(_CURRENT_KEY).first()
    if found is None:
        raise _missing()
    return VersionKey(found.id, found.created_at)


def _missing() -> FupinError:
    return FupinError(
        Problem(
            "standard-missing", "尚未载入评估标准", expected="先运行 fupin standards load（载入系统默认的国家标准）"
        )
    )


def exit_criteria(standard: StandardSet) -> ExitCriteria:
    return ExitCriteria.from_data(standard.exit_criteria or {}, standard.source or "")


def lines_for(*, session: Session, standard: Version, year: int, province_code: str) -> Lines:
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


def _province_first(session: Session, model: type[Row], standard: Version, year: int, province_code: str) -> Row | None:
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


def indicators(*, session: Session, standard: Version) -> list[Indicator]:
    return list(session.scalars(select(Indicator).where(Indicator.set_id == standard.id).order_by(Indicator.position)))


class RuleSource(Protocol):
    """An indicator's rule and its own parameters: a stored row or its kept copy."""

    @property
    def code(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def parameters(self) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """An indicator of a stored version, copied out of its row so it can be kept across requests."""

    code: str
    name: str
    rule: str
    parameters: dict[str, object]
    required_for_exit: bool


@dataclass(frozen=True, slots=True)
class Applicable:
    """What a version of the standard says for one year and province: its indicators in order, and the lines."""

    indicators: tuple[IndicatorRule, ...]
    lines: Lines


# A stored version never changes (every edit stores a new one), so what it says for a year and province is read once
# per process. The key holds the version's id and creation time: ids alone repeat across the databases a process may
# serve one after another (tests), the moment of creation does not.
_APPLICABLE: dict[tuple[int, datetime, int, str], Applicable] = {}
_APPLICABLE_LOCK = threading.Lock()
MAX_APPLICABLE = 256


def applicable(*, session: Session, standard: Version, year: int, province_code: str) -> Applicable:
    """The version's indicators and lines for the year and province (every household page explains with them)."""
    key = (standard.id, standard.created_at, year, province_code)
    found = _APPLICABLE.get(key)
    if found is None:
        rows = indicators(session=session, standard=standard)
        found = Applicable(
            tuple(IndicatorRule(i.code, i.name, i.rule, dict(i.parameters), i.required_for_exit) for i in rows),
            lines_for(session=session, standard=standard, year=year, province_code=province_code),
        )
        with _APPLICABLE_LOCK:
            if len(_APPLICABLE) >= MAX_APPLICABLE:
                _APPLICABLE.clear()
            _APPLICABLE[key] = found
    return found


def applicable_rules(found: Applicable, lists: dict[str, CodeList]) -> list[Rule]:
    """`rules_for` a kept `Applicable` and code lists, kept alongside them: each checked rule is already kept by
    `parse_rule`, but building that key from every code list cost a household page more than the explanation."""
    key = (id(found), id(lists))
    kept = _RULES.get(key)
    if kept is not None and kept[0] is found and kept[1] is lists:  # the same objects, not a new pair at old addresses
        return kept[2]
    rules = rules_for(found.indicators, found.lines, lists)
    with _APPLICABLE_LOCK:
        if len(_RULES) >= MAX_APPLICABLE:
            _RULES.clear()
        _RULES[key] = (found, lists, rules)
    return rules


_RULES: dict[tuple[int, int], tuple[Applicable, dict[str, CodeList], list[Rule]]] = {}


def rules_for(items: Sequence[RuleSource], lines: Lines, lists: dict[str, CodeList]) -> list[Rule]:
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
