"""Administrators' edits of the current standard: each one checked like a loaded file, stored as a new version.

An edit never changes a stored version (old verdicts name the version they used): the current version is copied as
a document, the one entry is changed, the whole document is checked by the loader's `check_document`, and `store`
makes the copy the new current version. One audit event in the version's changeset holds exactly what changed.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Actor, AuditEvent, Changeset, open_changeset, record
from fupin.divisions import service as divisions
from fupin.errors import FupinError, Location, Problem
from fupin.standards import service
from fupin.standards.loader import check_document, store
from fupin.standards.models import MonitoringRange, PovertyLine, StandardSet

Values = Mapping[str, object]
LINE_FIELDS = ("identification_line", "exit_line", "confirmed", "source")
RANGE_FIELDS = ("income_ceiling", "confirmed", "source")
EXIT_FIELDS = ("incidence_max", "incidence_max_west", "wrong_exit_max", "missed_max", "approval_min")
YEARS = (2000, 2100)
PROVINCE = re.compile(r"^[0-9]{2}$")
AMOUNT_MAX = 1_000_000.0
ENTRY_FIELD = re.compile(r"^(?:poverty_line|monitoring_range|indicator)\[\d+\]\.|^exit\.")


@dataclass(frozen=True, slots=True)
class Change:
    """What one edit changed: which entity and entry, and only the values that differ."""

    entity: str  # poverty_line, monitoring_range, indicator or exit
    key: str
    before: dict[str, Any]
    after: dict[str, Any]
    label: str


def document_of(*, session: Session, standard: StandardSet) -> dict[str, Any]:
    """A stored version as the loader's document, so an edited copy goes through the very same checks."""
    return {
        "name": standard.name,
        "note": standard.note,
        "exit": dict(standard.exit_criteria or {}),
        "poverty_line": [
            {"year": row.year, "province_code": row.province_code, **{name: getattr(row, name) for name in LINE_FIELDS}}
            for row in service.poverty_lines(session=session, standard=standard)
        ],
        "monitoring_range": [
            {
                "year": row.year,
                "province_code": row.province_code,
                **{name: getattr(row, name) for name in RANGE_FIELDS},
            }
            for row in service.monitoring_ranges(session=session, standard=standard)
        ],
        "indicator": [
            {
                "code": row.code,
                "name": row.name,
                "dimension": row.dimension,
                "definition": row.definition,
                "rule": row.rule,
                "parameters": dict(row.parameters or {}),
                "weight": row.weight,
                "required_for_exit": row.required_for_exit,
            }
            for row in service.indicators(session=session, standard=standard)
        ],
    }


def _yearly(row: PovertyLine | MonitoringRange, fields: tuple[str, ...]) -> dict[str, Any]:
    return {"year": row.year, "province_code": row.province_code, **{name: getattr(row, name) for name in fields}}


def edit_poverty_line(
    *, session: Session, actor: Actor, year: object, province_code: object, values: Values
) -> StandardSet:
    """Change (or add) the identification and exit line of a year and province ("00": the national default)."""
    when, where = _year(year), _province(session, province_code)
    parsers = {"identification_line": _amount, "exit_line": _amount, "confirmed": _flag, "source": _text}
    new = _parse(values, parsers)
    return _apply(session, actor, "poverty_line", (when, where), new, f"{when}年 {_place(where)}收入线")


def edit_monitoring_range(
    *, session: Session, actor: Actor, year: object, province_code: object, values: Values
) -> StandardSet:
    """Change (or add) the monitoring range's income ceiling of a year and province."""
    when, where = _year(year), _province(session, province_code)
    new = _parse(values, {"income_ceiling": _amount, "confirmed": _flag, "source": _text})
    return _apply(session, actor, "monitoring_range", (when, where), new, f"{when}年 {_place(where)}监测范围")


def edit_indicator(*, session: Session, actor: Actor, code: str, values: Values) -> StandardSet:
    """Change an indicator's parameters (only those it has, keeping their kind), weight or required_for_exit."""
    document = document_of(session=session, standard=service.current(session=session))
    item = next((entry for entry in document["indicator"] if entry["code"] == code), None)
    if item is None:
        raise FupinError(
            Problem("indicator-not-found", f"当前标准中没有代码为「{code}」的指标", Location(field="code"), code)
        )
    new = _parse(values, {"weight": _weight, "required_for_exit": _flag})
    if "parameters" in values:
        new["parameters"] = _parameters(item["parameters"], values["parameters"])
    return _apply(session, actor, "indicator", code, new, f"指标「{item['name']}」", document=document)


def edit_exit_criteria(*, session: Session, actor: Actor, values: Values) -> StandardSet:
    """Change the exit thresholds (proportions: 0.02 is 2 %)."""
    new = _parse(values, dict.fromkeys(EXIT_FIELDS, _proportion))
    return _apply(session, actor, "exit", "exit", new, "退出标准")


def changes(*, session: Session, standard: StandardSet) -> list[Change]:
    """The edits recorded for a version (none for a version loaded from a file)."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.changeset_id == standard.created_changeset_id,
            AuditEvent.entity.startswith("standard_", autoescape=True),
        )
        .order_by(AuditEvent.id)
    )
    return [_change_of(event.entity, event.entity_id, event.before, event.after) for event in events]


# --- applying an edit -------------------------------------------------------------------------------------------


def _apply(
    session: Session,
    actor: Actor,
    entity: str,
    key: object,
    new: dict[str, Any],
    label: str,
    *,
    document: dict[str, Any] | None = None,
) -> StandardSet:
    current = service.current(session=session)
    document = document if document is not None else document_of(session=session, standard=current)
    entry = _entry(document, entity, key)
    before = {name: entry.get(name) for name in new}
    changed = {name: value for name, value in new.items() if before.get(name) != value}
    if not changed:
        raise FupinError(Problem("standard-unchanged", f"{label}没有任何改动", expected="至少修改一项取值"))
    entry.update(changed)
    _refuse_problems(check_document(document, "页面修改"))
    source = f"修改{label}"[:200]
    changeset = open_changeset(session=session, actor=actor, purpose="标准", source=source)
    standard = store(session=session, document=document, source=source, actor=actor, changeset=changeset)
    old = {name: before.get(name) for name in changed}
    _record(session, changeset, entity, _key_text(key), old, changed)
    return standard


def _entry(document: dict[str, Any], entity: str, key: object) -> dict[str, Any]:
    """The document's entry for the key; a line or range for a new year or province is added."""
    if entity == "exit":
        exit_table: dict[str, Any] = document["exit"]
        return exit_table
    if entity == "indicator":
        return next(item for item in document["indicator"] if item["code"] == key)
    year, province = cast(tuple[int, str], key)
    rows: list[dict[str, Any]] = document[entity]
    found = next((row for row in rows if (row["year"], row["province_code"]) == (year, province)), None)
    if found is None:
        found = {"year": year, "province_code": province, "confirmed": True, "source": None}
        rows.append(found)
        rows.sort(key=lambda row: (row["year"], row["province_code"]))
    return found


def _refuse_problems(problems: list[Problem]) -> None:
    """The loader names places in the document (poverty_line[3].exit_line); a form names the field (exit_line)."""
    if problems:
        raise FupinError(*[_as_field(problem) for problem in problems])


def _as_field(problem: Problem) -> Problem:
    place = problem.location.field or ""
    field = ENTRY_FIELD.sub("", place) if ENTRY_FIELD.match(place) else "parameters"
    return Problem(problem.slug, problem.message, Location(field=field), problem.value, problem.expected)


def _record(
    session: Session, changeset: Changeset, entity: str, key: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    record(
        session=session,
        changeset=changeset,
        entity=f"standard_{entity}",
        entity_id=key,
        action="update",
        before=before,
        after=after,
    )
    session.flush()


def _key_text(key: object) -> str:
    if isinstance(key, tuple):
        return "/".join(str(part) for part in key)
    return str(key)


def _change_of(entity: str, key: str, before: str | None, after: str | None) -> Change:
    kind = entity.removeprefix("standard_")
    old, new = json.loads(before or "{}"), json.loads(after or "{}")
    return Change(kind, key, old, new, ENTITY_LABELS.get(kind, kind))


ENTITY_LABELS = {"poverty_line": "收入线", "monitoring_range": "监测范围", "indicator": "指标", "exit": "退出标准"}


def _place(province_code: str) -> str:
    return "全国默认" if province_code == service.NATIONAL else f"省级（{province_code}）"


# --- parsing the submitted values -------------------------------------------------------------------------------

Parser = Callable[[str, object], Any]


def _parse(values: Values, parsers: Mapping[str, Parser]) -> dict[str, Any]:
    """Each submitted value of a known field parsed; every bad one reported at once, by its field."""
    parsed: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, parser in parsers.items():
        if name not in values or values[name] is None:
            continue
        try:
            parsed[name] = parser(name, values[name])
        except FupinError as error:
            problems += error.problems
    if problems:
        raise FupinError(*problems)
    return parsed


def _bad(field: str, message: str, value: object, expected: str) -> FupinError:
    return FupinError(Problem("standard-field", message, Location(field=field), str(value), expected))


def _number(field: str, value: object) -> float:
    if isinstance(value, bool):
        raise _bad(field, "须为数值", value, "数字")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise _bad(field, "须为数值", value, "数字，如 4000 或 0.02") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _bad(field, "须为有限的数值", value, "数字")
    return number


def _amount(field: str, value: object) -> float:
    number = _number(field, value)
    if not 0 <= number <= AMOUNT_MAX:
        raise _bad(field, "金额超出范围", value, f"0到{AMOUNT_MAX:,.0f}元之间")
    return number


def _weight(field: str, value: object) -> float:
    number = _number(field, value)
    if not 0 <= number <= 1:
        raise _bad(field, "权重超出范围", value, "0到1之间的小数，如 0.2")
    return number


def _proportion(field: str, value: object) -> float:
    number = _number(field, value)
    if not 0 <= number <= 1:
        raise _bad(field, "须为0到1之间的比例", value, "如 0.02 表示 2%")
    return number


def _flag(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "是", "on", "yes"):
        return True
    if text in ("false", "0", "否", "off", "no"):
        return False
    raise _bad(field, "须为「是」或「否」", value, "是 或 否")


def _text(field: str, value: object) -> str | None:
    text = str(value).strip()
    if len(text) > 500:
        raise _bad(field, "说明太长", f"{len(text)}个字", "不超过500个字")
    return text or None


def _year(value: object) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise _bad("year", "年度须为四位数字", value, f"{YEARS[0]}—{YEARS[1]}年") from None
    if not YEARS[0] <= year <= YEARS[1]:
        raise _bad("year", "年度超出范围", value, f"{YEARS[0]}—{YEARS[1]}年")
    return year


def _province(session: Session, value: object) -> str:
    code = str(value).strip()
    expected = "00（全国默认）或省级区划代码的前两位，如 52"
    if not PROVINCE.match(code):
        raise _bad("province_code", "省份代码须为两位数字", value, expected)
    if code != service.NATIONAL and divisions.get(session=session, code=code.ljust(12, "0")) is None:
        raise _bad("province_code", "没有这个省级区划", value, expected)
    return code


def _parameters(current: Mapping[str, Any], sent: object) -> dict[str, Any]:
    """The indicator's parameters with the sent values, each of the kind it already has; unknown names refused."""
    if not isinstance(sent, Mapping):
        raise _bad("parameters", "参数须为「名称: 取值」的集合", sent, '如 {"water_quantity_min": 35}')
    merged = dict(current)
    problems: list[Problem] = []
    for name, value in sent.items():
        field = f"parameters.{name}"
        if name not in current:
            known = "、".join(current) or "（该指标没有参数）"
            problems.append(Problem("standard-field", f"该指标没有参数「{name}」", Location(field=field), None, known))
            continue
        try:
            merged[name] = _like(field, current[name], value)
        except FupinError as error:
            problems += error.problems
    if problems:
        raise FupinError(*problems)
    return merged


def _like(field: str, example: object, value: object) -> object:
    """A parameter keeps its kind: whole numbers stay whole (school ages), flags stay flags."""
    if isinstance(example, bool):
        return _flag(field, value)
    if isinstance(example, int):
        number = _number(field, value)
        if not number.is_integer():
            raise _bad(field, "须为整数", value, "整数，如 15")
        return int(number)
    if isinstance(example, float):
        return _number(field, value)
    return _text(field, value) or ""
