"""`fupin export`: the registry in a layout people already use, so that export → import changes nothing."""

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.engine.base import fetch_columns
from fupin.engine.duck import quote, register, to_arrow, workspace
from fupin.registry.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldSpec
from fupin.registry.models import Household, Income, Member
from fupin.registry.staging import spec_for
from fupin.tabular.layout import LOCATION_LEVELS, Layout, layouts
from fupin.tabular.xlsx import write_text_workbook

LEVEL_LENGTH = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}
TEXT_KINDS = {"id_number", "phone", "division", "text", "code", "codes", "bool", "date"}


def export(
    *,
    session: Session,
    scope: Scope,
    layout_name: str,
    path: Path,
    year: int | None = None,
    only: Select[Any] | None = None,
) -> int:
    """Write the households or members in scope to CSV or XLSX (by the path's suffix); return the row count.

    `only` (a statement of household ids, e.g. a filtered list's) narrows the export further; the scope still applies.
    """
    layout = layouts()[layout_name]
    with workspace() as duck:
        _load_scope(session, duck, scope, year, only)
        duck.execute(f"CREATE OR REPLACE TABLE out AS SELECT {_select_list(layout, year)} FROM {_source(layout)}")
        count = duck.execute("SELECT count(*) FROM out").fetchone()
        if path.suffix.lower() == ".csv":
            _write_csv(duck, path)
        else:
            _write_xlsx(duck, layout, path)
    return int(count[0]) if count else 0


def _load_scope(
    session: Session, duck: duckdb.DuckDBPyConnection, scope: Scope, year: int | None, only: Select[Any] | None
) -> None:
    live = Household.deleted_at.is_(None) if only is None else Household.deleted_at.is_(None) & Household.id.in_(only)
    households = select(Household.id, *[getattr(Household, s.name) for s in HOUSEHOLD_FIELDS]).where(
        live, scope.condition(Household.division_code)
    )
    register(duck, "hh", fetch_columns(session, households))
    members = (
        select(
            Member.id,
            Member.household_id,
            *[getattr(Member, s.name) for s in MEMBER_FIELDS if s.name != "household_number"],
        )
        .join(Household, Household.id == Member.household_id)
        .where(Member.deleted_at.is_(None), live, scope.condition(Household.division_code))
    )
    register(duck, "mem", fetch_columns(session, members))
    incomes = (
        select(Income.household_id, *[getattr(Income, s.name) for s in INCOME_FIELDS])
        .join(Household, Household.id == Income.household_id)
        .where(Income.deleted_at.is_(None), live, scope.condition(Household.division_code))
    )
    if year is not None:
        incomes = incomes.where(Income.year == year)
    register(duck, "inc_all", fetch_columns(session, incomes))
    duck.execute(
        "CREATE OR REPLACE TABLE inc AS SELECT * FROM inc_all QUALIFY row_number() OVER (PARTITION BY household_id "
        "ORDER BY year DESC) = 1"
    )
    register(
        duck,
        "div",
        fetch_columns(
            session,
            select(Division.code, Division.name).where(
                Division.valid_to.is_(None), scope.condition(Division.code) | (Division.level < 5)
            ),
        ),
    )
    names = ", ".join(
        f"(SELECT name FROM div d WHERE d.code = rpad(substr(hh.division_code, 1, {length}), 12, '0')) AS "
        f"location__{level}"
        for level, length in LEVEL_LENGTH.items()
    )
    duck.execute(f"CREATE OR REPLACE TABLE hh_full AS SELECT hh.*, {names} FROM hh")
    duck.execute(
        "CREATE OR REPLACE TABLE heads AS SELECT household_id, any_value(name) AS head_name, any_value(id_number) "
        "AS head_id_number "
        "FROM mem WHERE relation = '户主' GROUP BY household_id"
    )


def _source(layout: Layout) -> str:
    if layout.kind == "member":
        return (
            "mem m JOIN hh_full h ON h.id = m.household_id LEFT JOIN heads hd ON hd.household_id = h.id "
            "LEFT JOIN inc i ON i.household_id = h.id ORDER BY h.household_number, m.relation <> '户主', "
            "m.person_number, m.id"
        )
    return (
        "hh_full h LEFT JOIN heads hd ON hd.household_id = h.id LEFT JOIN inc i ON i.household_id = h.id ORDER "
        "BY h.household_number"
    )


def _select_list(layout: Layout, year: int | None) -> str:
    return ", ".join(f"{_value(layout, column.target, year)} AS {quote(column.header)}" for column in layout.columns)


def _value(layout: Layout, target: str, year: int | None) -> str:
    scope, name = target.split(".", 1)
    if scope == "location":
        return f"h.location__{name}"
    if scope == "known":
        known = {
            "head_name": "hd.head_name",
            "head_id_number": "hd.head_id_number",
            "year": f"CAST(coalesce(i.year, {year or date.today().year}) AS VARCHAR)",
            "current_size": "CAST((SELECT count(*) FROM mem x WHERE x.household_id = h.id) AS VARCHAR)",
        }
        return known.get(name, "NULL")
    alias = {"member": "m", "household": "h", "income": "i"}[scope]
    column = f"{alias}.{quote('household_number' if scope == 'member' and name == 'household_number' else name)}"
    if scope == "member" and name == "household_number":
        column = "h.household_number"
    spec = spec_for(target)
    return _as_text(column, spec) if spec else f"CAST({column} AS VARCHAR)"


def _as_text(column: str, spec: FieldSpec) -> str:
    if spec.kind == "bool":
        return f"CASE {column} WHEN true THEN '是' WHEN false THEN '否' END"
    if spec.kind == "decimal":
        return (
            f"CASE WHEN {column} = floor({column}) THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE "
            f"CAST({column} AS VARCHAR) END"
        )
    return f"CAST({column} AS VARCHAR)"


def _write_csv(duck: duckdb.DuckDBPyConnection, path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        body = Path(folder) / "body.csv"
        duck.execute(f"COPY out TO '{body.as_posix()}' (HEADER true, DELIMITER ',', QUOTE '\"')")
        with path.open("wb") as target, body.open("rb") as source:
            target.write(b"\xef\xbb\xbf")  # Excel on Chinese Windows needs the BOM to read UTF-8
            shutil.copyfileobj(source, target, 1 << 20)


def _write_xlsx(duck: duckdb.DuckDBPyConnection, layout: Layout, path: Path) -> None:
    table = to_arrow(duck, "SELECT * FROM out")
    table = table.rename_columns(layout.headers())
    sheet = "人口信息" if layout.kind == "member" else "户信息"
    write_text_workbook(path, [(sheet, table)])


__all__ = ["LOCATION_LEVELS", "export"]
