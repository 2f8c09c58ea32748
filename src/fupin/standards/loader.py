"""Load a standard set from a versioned TOML file: every value checked, every rule parsed, stored as a new version."""

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fupin.audit import Actor, Changeset, open_changeset, record
from fupin.errors import FupinError, Location, Problem
from fupin.registry import codelists
from fupin.standards.exit_criteria import ExitCriteria
from fupin.standards.expressions import parse_rule
from fupin.standards.models import Indicator, MonitoringRange, PovertyLine, StandardSet

AUTOMATIC_PARAMETERS = {"exit_line": 0.0, "identification_line": 0.0, "monitoring_ceiling": 0.0}


def shipped_national() -> Path:
    return Path(str(resources.files("fupin.standards").joinpath("builtin/national.toml")))


def load_standard_file(*, session: Session, path: Path, actor: Actor) -> StandardSet:
    """Store the file's standard as the new current version; refuse the whole file on the first problems."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise FupinError(
            Problem("standard-unreadable", f"标准文件无法读取：{error}", Location(sheet=path.name))
        ) from error
    problems = check_document(document, path.name)
    if problems:
        raise FupinError(*problems)
    return store(session=session, document=document, source=path.name, actor=actor)


def check_document(document: dict[str, Any], source: str) -> list[Problem]:
    problems: list[Problem] = []
    if not str(document.get("name", "")).strip():
        problems.append(
            Problem("standard-field", "缺少标准名称", Location(sheet=source, field="name"), None, 'name = "…"')
        )
    for index, line in enumerate(document.get("poverty_line", []), start=1):
        problems += _check_numbers(line, ("year", "identification_line", "exit_line"), source, f"poverty_line[{index}]")
    for index, band in enumerate(document.get("monitoring_range", []), start=1):
        problems += _check_numbers(band, ("year", "income_ceiling"), source, f"monitoring_range[{index}]")
    try:
        ExitCriteria.from_data(document.get("exit", {}), source)
    except FupinError as error:
        problems += error.problems
    lists = codelists.load(None)
    for index, item in enumerate(document.get("indicator", []), start=1):
        where = f"indicator[{index}]"
        for key in ("code", "name", "dimension", "rule"):
            if not str(item.get(key, "")).strip():
                problems.append(Problem("standard-field", f"指标缺少「{key}」", Location(sheet=source, field=where)))
        problems += _check_numbers(item, ("weight",), source, where)
        try:
            parse_rule(
                str(item.get("code", where)),
                str(item.get("rule", "")),
                parameters={**AUTOMATIC_PARAMETERS, **item.get("parameters", {})},
                lists=lists,
            )
        except FupinError as error:
            problems += error.problems
    return problems


def _check_numbers(entry: dict[str, Any], keys: tuple[str, ...], source: str, where: str) -> list[Problem]:
    return [
        Problem(
            "standard-field",
            f"「{key}」须为非负数值",
            Location(sheet=source, field=f"{where}.{key}"),
            str(entry.get(key)),
            "不小于0的数值",
        )
        for key in keys
        if not isinstance(entry.get(key), int | float) or isinstance(entry.get(key), bool) or entry[key] < 0
    ]


def store(
    *, session: Session, document: dict[str, Any], source: str, actor: Actor, changeset: Changeset | None = None
) -> StandardSet:
    """A new version of the named standard, made current; the previous current one stays for old verdicts."""
    changeset = changeset or open_changeset(session=session, actor=actor, purpose="标准", source=source)
    name = str(document["name"]).strip()
    latest = session.scalar(select(func.max(StandardSet.version)).where(StandardSet.name == name)) or 0
    session.execute(update(StandardSet).where(StandardSet.is_current.is_(True)).values(is_current=False))
    standard = StandardSet(
        name=name,
        version=latest + 1,
        source=source,
        note=document.get("note"),
        created_changeset_id=changeset.id,
        is_current=True,
        exit_criteria=dict(document.get("exit", {})),
    )
    session.add(standard)
    session.flush()
    for line in document.get("poverty_line", []):
        session.add(
            PovertyLine(
                set_id=standard.id,
                province_code=line.get("province_code", "00"),
                **_pick(line, "year", "identification_line", "exit_line", "confirmed", "source"),
            )
        )
    for band in document.get("monitoring_range", []):
        session.add(
            MonitoringRange(
                set_id=standard.id,
                province_code=band.get("province_code", "00"),
                **_pick(band, "year", "income_ceiling", "confirmed", "source"),
            )
        )
    for position, item in enumerate(document.get("indicator", []), start=1):
        session.add(
            Indicator(
                set_id=standard.id,
                position=position,
                parameters=item.get("parameters", {}),
                definition=item.get("definition", ""),
                required_for_exit=item.get("required_for_exit", True),
                **_pick(item, "code", "name", "dimension", "rule", "weight"),
            )
        )
    record(
        session=session,
        changeset=changeset,
        entity="standard",
        entity_id=standard.id,
        action="create",
        before=None,
        after={"name": name, "version": standard.version, "source": source},
    )
    session.flush()
    return standard


def _pick(entry: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: entry.get(key, True if key == "confirmed" else None) for key in keys}
