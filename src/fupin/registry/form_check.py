"""Check a household's submitted values with the importer's own workspace pipeline, so the two never drift.

The household (with the submitted change) becomes a one-household member sheet — one row per live member, the
household's values on every row — and goes through the same staging, field checks, village lookup, identity
rules, member rules and household rules (one head, spouse, one person one household against the database) as
`fupin import`. What comes back is either the problems, named by form field, or the typed values to store.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy.orm import Session

from fupin.config import Settings
from fupin.engine.duck import workspace
from fupin.errors import FupinError, Location, Problem
from fupin.registry import codelists
from fupin.registry.checks import describe
from fupin.registry.existing import fetch_existing
from fupin.registry.fields import HOUSEHOLD_BY_NAME, MEMBER_FIELDS, FieldSpec
from fupin.registry.locating import location_problems, plan_location
from fupin.registry.models import Household, Member
from fupin.registry.rules import household_rules, identity_problems, member_fields, plan_identity
from fupin.registry.staging import (
    build_staged,
    collect_field_problems,
    column_name,
    create_problems,
    plan_staging,
    spec_for,
)
from fupin.tabular.layout import Binding, Column, Layout
from fupin.tabular.read import ROW, Sheet

Values = Mapping[str, str | None]
EDITABLE_MEMBER_FIELDS = tuple(spec for spec in MEMBER_FIELDS if spec.name != "household_number")
EDITABLE_HOUSEHOLD_FIELDS = tuple(spec for name, spec in HOUSEHOLD_BY_NAME.items() if name != "household_number")
EFFECTIVE = {"sex": "sex_eff", "birth_date": "birth_eff", "id_type": "id_type_eff"}  # as the importer stores them
SHEET = "表单"


def as_text(spec: FieldSpec, value: Any) -> str | None:
    """A stored value as the text a person would type for it (是/否, ISO dates, numbers without a needless .0)."""
    if value is None:
        return None
    if spec.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def member_text(member: Member) -> dict[str, str | None]:
    return {spec.name: as_text(spec, getattr(member, spec.name)) for spec in EDITABLE_MEMBER_FIELDS}


def household_text(household: Household) -> dict[str, str | None]:
    return {spec.name: as_text(spec, getattr(household, spec.name)) for spec in EDITABLE_HOUSEHOLD_FIELDS}


@dataclass(frozen=True, slots=True)
class Draft:
    """The household as it would be after the change: its values and its members' rows (None: a new member)."""

    household: Household
    household_values: dict[str, str | None]
    rows: Sequence[tuple[int | None, dict[str, str | None]]]
    edited_row: int | None  # index into rows of the member being changed or added; None for a household edit
    household_fields: Sequence[str]  # household columns the sheet carries (division_code always)


@dataclass(frozen=True, slots=True)
class Checked:
    """Typed values per row, as the importer would store them, and the household's typed values."""

    household: dict[str, Any]
    rows: list[dict[str, Any]]


def check(*, session: Session, draft: Draft, settings: Settings, today: date) -> Checked:
    """Run the draft through the importer's checks; raise FupinError with every problem, or return typed values."""
    sheet, binding = _sheet(draft)
    lists = codelists.load(settings.codelists_file)
    with workspace(settings.work_dir) as duck:
        has = {column_name(column.target) for column in binding.by_index.values()}
        plan = plan_staging(duck, sheet, binding, lists, today)
        plan_location(session, duck, plan, has)
        plan_identity(plan, today=today, min_birth_year=settings.min_birth_year, has=has)
        build_staged(duck, plan)
        create_problems(duck)
        collect_field_problems(duck, binding)
        location_problems(duck, has)
        identity_problems(duck, has)
        member_fields(duck, has)
        household_columns = ["division_code", *(f"household__{name}" for name in draft.household_fields[1:])]
        fetch_existing(
            session,
            duck,
            households="SELECT member__household_number AS key FROM staged",
            persons="SELECT member__id_number AS key FROM staged",
            household_fields=["division_code"],
        )
        duck.execute("DELETE FROM existing_members")  # the sheet holds the whole household as it would be
        household_rules(duck, household_columns)
        problems = _problems(duck, draft, lists)
        if problems:
            raise FupinError(*problems)
        return _typed(duck, draft)


def _sheet(draft: Draft) -> tuple[Sheet, Binding]:
    targets = ["member.household_number", *(f"member.{spec.name}" for spec in EDITABLE_MEMBER_FIELDS)]
    targets += [f"household.{name}" for name in draft.household_fields]
    number = draft.household.household_number
    columns: dict[str, list[str | None]] = {f"c{index}": [] for index in range(len(targets))}
    for _, values in draft.rows:
        row = {"household_number": number, **values}
        for index, target in enumerate(targets):
            scope, name = target.split(".", 1)
            columns[f"c{index}"].append(draft.household_values.get(name) if scope == "household" else row.get(name))
    arrays: dict[str, pa.Array[Any]] = {name: pa.array(cells, type=pa.string()) for name, cells in columns.items()}
    arrays[ROW] = pa.array(range(1, len(draft.rows) + 1), type=pa.int64())
    headers = [target.split(".", 1)[1] for target in targets]
    layout = Layout("form", "表单", "member", tuple(Column(h, t) for h, t in zip(headers, targets, strict=True)))
    binding = Binding(layout, dict(enumerate(layout.columns)))
    return Sheet(SHEET, 0, headers, pa.table(arrays)), binding


def _problems(duck: duckdb.DuckDBPyConnection, draft: Draft, lists: dict[str, codelists.CodeList]) -> list[Problem]:
    rows = duck.execute(
        "SELECT DISTINCT _row, field, slug, value, detail FROM problems ORDER BY _row, field"
    ).fetchall()
    found: dict[tuple[str, str], Problem] = {}
    for row, name, slug, value, detail in rows:
        spec = spec_for(name.replace("__", ".", 1)) if "__" in name else None
        message, expected = describe(spec, slug, detail, lists)
        field = _field(draft, int(row) - 1, name)
        found.setdefault((field, slug), Problem(slug, message, Location(field=field), value, expected))
    return list(found.values())


def _field(draft: Draft, index: int, name: str) -> str:
    """The form field a problem belongs to: bare for the household or the member being edited, else members[i]."""
    scope, _, field = name.partition("__")
    if not field:  # the located village
        return "division_code"
    if scope == "household":
        return field
    return field if index == draft.edited_row else f"members[{index}].{field}"


def _typed(duck: duckdb.DuckDBPyConnection, draft: Draft) -> Checked:
    member_columns = [f"{EFFECTIVE.get(spec.name, 'member__' + spec.name)}" for spec in EDITABLE_MEMBER_FIELDS]
    household_columns = [
        "division_code" if name == "division_code" else f"household__{name}" for name in draft.household_fields
    ]
    result = duck.execute(f"SELECT {', '.join(member_columns + household_columns)} FROM staged ORDER BY {ROW}")
    names = [spec.name for spec in EDITABLE_MEMBER_FIELDS]
    rows, household = [], {}
    for record in result.fetchall():
        rows.append(dict(zip(names, record[: len(names)], strict=True)))
        household = dict(zip(draft.household_fields, record[len(names) :], strict=True))
    return Checked(household, rows)
