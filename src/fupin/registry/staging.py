"""Stage one sheet in the workspace: raw text, then one typed column and one error column per bound field."""

from datetime import date

import duckdb

from fupin.engine.duck import register
from fupin.registry.checks import clean, typed
from fupin.registry.codelists import CodeList
from fupin.registry.fields import HOUSEHOLD_BY_NAME, INCOME_BY_NAME, MEMBER_BY_NAME, FieldSpec
from fupin.tabular.layout import Binding
from fupin.tabular.read import ROW, Sheet

SPECS = {"member": MEMBER_BY_NAME, "household": HOUSEHOLD_BY_NAME, "income": INCOME_BY_NAME}


def column_name(target: str) -> str:
    """Workspace column for a layout target: member.name → member__name."""
    return target.replace(".", "__")


def spec_for(target: str) -> FieldSpec | None:
    scope, name = target.split(".", 1)
    return SPECS.get(scope, {}).get(name)


# Kinds whose values repeat across rows (code lists, 是/否, numbers, dates, 12-digit codes): their checks run once
# per distinct value and are joined back, instead of once per row. Free text, phones and ID numbers run per row.
BY_DISTINCT_VALUE = frozenset({"code", "codes", "bool", "int", "decimal", "year", "date", "division"})


def stage(
    duck: duckdb.DuckDBPyConnection, sheet: Sheet, binding: Binding, lists: dict[str, CodeList], today: date
) -> None:
    """Create `raw` (the cells as read) and `staged` (_row, typed values, *__err slugs, *__text cleaned text)."""
    register(duck, "raw", sheet.table)
    bound = sorted(binding.by_index.items())
    cleaned = ", ".join(f"{clean(f'c{index}')} AS t{index}" for index, _ in bound)
    duck.execute(f"CREATE OR REPLACE TABLE cleaned AS SELECT {ROW}{', ' if cleaned else ''}{cleaned} FROM raw")
    selects, joins, lookups = [f"cleaned.{ROW}"], [], []
    for index, column in bound:
        text, name, spec = f"cleaned.t{index}", column_name(column.target), spec_for(column.target)
        selects.append(f"{text} AS {name}__text")
        if spec is None:  # location names and known-but-derived columns stay text
            selects.append(f"{text} AS {name}")
            continue
        if spec.kind in BY_DISTINCT_VALUE:
            value, error = _distinct_value_checks(duck, index, spec, lists, today)
            joins.append(f"LEFT JOIN checked_{index} ON checked_{index}.given = {text}")
            lookups.append(f"checked_{index}")
        else:
            value, error = typed(spec, text, lists, today)
        required = f"CASE WHEN {text} IS NULL THEN 'required' END" if spec.required else "NULL"
        selects.append(f"{value} AS {name}")
        selects.append(f"coalesce({required}, {error}) AS {name}__err")
    duck.execute(f"CREATE OR REPLACE TABLE staged AS SELECT {', '.join(selects)} FROM cleaned {' '.join(joins)}")
    for lookup in [*lookups, "cleaned"]:
        duck.execute(f"DROP TABLE {lookup}")


def _distinct_value_checks(
    duck: duckdb.DuckDBPyConnection, index: int, spec: FieldSpec, lists: dict[str, CodeList], today: date
) -> tuple[str, str]:
    """Table checked_<index>(given, value, error) over the column's distinct values; returns its column refs."""
    value, error = typed(spec, "given", lists, today)
    duck.execute(
        f"CREATE OR REPLACE TABLE checked_{index} AS SELECT given, {value} AS value, {error} AS error "
        f"FROM (SELECT DISTINCT t{index} AS given FROM cleaned WHERE t{index} IS NOT NULL)"
    )
    return f"checked_{index}.value", f"checked_{index}.error"


def error_columns(binding: Binding) -> list[str]:
    return [column_name(column.target) for column in binding.by_index.values() if spec_for(column.target) is not None]


def collect_field_problems(duck: duckdb.DuckDBPyConnection, binding: Binding) -> None:
    """Append every field-level error of `staged` to the `problems` table."""
    for name in error_columns(binding):
        duck.execute(
            f"INSERT INTO problems SELECT {ROW}, '{name}', {name}__err, {name}__text, NULL FROM staged "
            f"WHERE {name}__err IS NOT NULL"
        )


def create_problems(duck: duckdb.DuckDBPyConnection) -> None:
    duck.execute(
        "CREATE OR REPLACE TABLE problems (_row BIGINT, field VARCHAR, slug VARCHAR, value VARCHAR, detail VARCHAR)"
    )
