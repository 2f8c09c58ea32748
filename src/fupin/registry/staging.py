"""Stage one sheet in the workspace: raw text, then one typed column and one error column per bound field.

`staged` is built by ONE statement over the raw cells: each rewrite of a million-row, hundred-column table costs
as much as all the checks in it, so lookups (distinct values, villages) and row-level derivations (identity,
computed income) are planned first and joined or layered into that statement.
"""

from dataclasses import dataclass, field
from datetime import date

import duckdb

from fupin.engine.duck import register
from fupin.registry.checks import clean, typed
from fupin.registry.codelists import CodeList
from fupin.registry.fields import HOUSEHOLD_BY_NAME, INCOME_BY_NAME, MEMBER_BY_NAME, FieldSpec
from fupin.tabular.layout import Binding
from fupin.tabular.read import ROW, Sheet

SPECS = {"member": MEMBER_BY_NAME, "household": HOUSEHOLD_BY_NAME, "income": INCOME_BY_NAME}

# Kinds whose values repeat across rows (code lists, 是/否, numbers, dates, 12-digit codes): their cleaning and
# checks run once per distinct raw value and are joined back. Free text, phones and ID numbers run per row.
BY_DISTINCT_VALUE = frozenset({"code", "codes", "bool", "int", "decimal", "year", "date", "division"})


def column_name(target: str) -> str:
    """Workspace column for a layout target: member.name → member__name."""
    return target.replace(".", "__")


def spec_for(target: str) -> FieldSpec | None:
    scope, name = target.split(".", 1)
    return SPECS.get(scope, {}).get(name)


@dataclass(slots=True)
class StagingPlan:
    """The parts of the statement that creates `staged`.

    `cleaned` maps a workspace column to the expression of its cleaned text over the row source `r`, `raw` to its
    raw cell column; `lookups`
    maps a distinct-value column to its lookup table (given, value, error). `layers` are lists of expressions
    computed over everything selected below them, innermost first. `lazy` are columns of the `staged` view computed
    from the stored ones only where a query reads them (texts that equal their value, texts shown in problems).
    """

    inner: list[str] = field(default_factory=list)
    selects: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    cleaned: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, str] = field(default_factory=dict)
    layers: list[list[str]] = field(default_factory=list)
    scratch: list[str] = field(default_factory=list)
    lazy: list[str] = field(default_factory=list)

    def statement(self) -> str:
        body = (
            f"SELECT r.{ROW}, {', '.join(self.selects)} FROM (SELECT {', '.join([ROW, *self.inner])} FROM raw) r "
            + " ".join(self.joins)
        )
        for layer in self.layers:
            body = f"SELECT *, {', '.join(layer)} FROM ({body})"
        return f"CREATE OR REPLACE TABLE staged_rows AS {body}"

    def view(self) -> str:
        return f"CREATE OR REPLACE VIEW staged AS SELECT {', '.join(['*', *self.lazy])} FROM staged_rows"


def plan_staging(
    duck: duckdb.DuckDBPyConnection, sheet: Sheet, binding: Binding, lists: dict[str, CodeList], today: date
) -> StagingPlan:
    """Register `raw` (the cells as read) and prepare the typed, checked and cleaned columns of `staged`."""
    duck.complete()
    duck.register("raw", sheet.table)
    plan = StagingPlan()
    for index, column in sorted(binding.by_index.items()):
        name, spec = column_name(column.target), spec_for(column.target)
        plan.raw[name] = f"c{index}"
        if spec is not None and spec.kind in BY_DISTINCT_VALUE:
            _plan_lookup(duck, plan, index, name, spec, lists, today)
            continue
        plan.inner.append(f"{clean(f'c{index}')} AS t{index}")
        text = f"r.t{index}"
        plan.cleaned[name] = text
        if spec is None:  # location names and known-but-derived columns stay text
            plan.selects.append(f"{text} AS {name}")
            plan.lazy.append(f"{name} AS {name}__text")
            continue
        value, error = typed(spec, text, lists, today)
        plan.selects += [f"{value} AS {name}", f"coalesce({_required(spec, text)}, {error}) AS {name}__err"]
        if value == text:  # free text is its own value: stored once
            plan.lazy.append(f"{name} AS {name}__text")
        else:
            plan.selects.append(f"{text} AS {name}__text")
    return plan


def _plan_lookup(
    duck: duckdb.DuckDBPyConnection,
    plan: StagingPlan,
    index: int,
    name: str,
    spec: FieldSpec,
    lists: dict[str, CodeList],
    today: date,
) -> None:
    """Table checked_<index>(raw_value, given, value, error) over the column's distinct raw cells."""
    lookup = f"checked_{index}"
    value, error = typed(spec, "given", lists, today)
    duck.execute(
        f"CREATE OR REPLACE TABLE {lookup} AS SELECT raw_value, given, {value} AS value, {error} AS error FROM "
        f"(SELECT raw_value, {clean('raw_value')} AS given FROM (SELECT DISTINCT c{index} AS raw_value FROM raw))"
    )
    plan.inner.append(f"c{index}")
    plan.joins.append(f"LEFT JOIN {lookup} ON {lookup}.raw_value IS NOT DISTINCT FROM r.c{index}")
    plan.lookups[name] = lookup
    plan.cleaned[name] = f"{lookup}.given"
    plan.scratch.append(lookup)
    plan.selects += [
        f"{lookup}.given AS {name}__text",
        f"{lookup}.value AS {name}",
        f"coalesce({_required(spec, f'{lookup}.given')}, {lookup}.error) AS {name}__err",
    ]


def _required(spec: FieldSpec, text: str) -> str:
    return f"CASE WHEN {text} IS NULL THEN 'required' END" if spec.required else "NULL"


def build_staged(duck: duckdb.DuckDBPyConnection, plan: StagingPlan) -> None:
    """Run the planned statement once, then drop the lookups it joined."""
    duck.execute(plan.statement())
    duck.execute(plan.view())
    for scratch in plan.scratch:
        duck.execute(f"DROP TABLE IF EXISTS {scratch}")


def stage(
    duck: duckdb.DuckDBPyConnection, sheet: Sheet, binding: Binding, lists: dict[str, CodeList], today: date
) -> None:
    """Plan and build `staged` with no lookups or layers beyond the field checks."""
    build_staged(duck, plan_staging(duck, sheet, binding, lists, today))


def register_lookup(duck: duckdb.DuckDBPyConnection, plan: StagingPlan, name: str, table: object) -> None:
    """Make an Arrow table available to the planned statement (dropped with the other lookups)."""
    register(duck, name, table)  # type: ignore[arg-type]
    plan.scratch.append(name)


def error_columns(binding: Binding) -> list[str]:
    return [column_name(column.target) for column in binding.by_index.values() if spec_for(column.target) is not None]


def collect_field_problems(duck: duckdb.DuckDBPyConnection, binding: Binding) -> None:
    """Append every field-level error of `staged` to the `problems` table, in one statement."""
    names = error_columns(binding)
    if not names:
        return
    # Error columns are nearly all NULL: each part is a filtered scan of two narrow columns.
    parts = [
        f"SELECT {ROW}, '{name}', {name}__err, {name}__text, NULL FROM staged WHERE {name}__err IS NOT NULL"
        for name in names
    ]
    duck.execute("INSERT INTO problems " + " UNION ALL ".join(parts))


def create_valid(duck: duckdb.DuckDBPyConnection) -> None:
    """`valid`: the staged rows without problems, as a view, so the wide table is not copied."""
    duck.execute(
        f"CREATE OR REPLACE VIEW valid AS SELECT s.* FROM staged s ANTI JOIN (SELECT DISTINCT {ROW} FROM problems) p "
        f"ON p.{ROW} = s.{ROW}"
    )


def create_problems(duck: duckdb.DuckDBPyConnection) -> None:
    duck.execute(
        "CREATE OR REPLACE TABLE problems (_row BIGINT, field VARCHAR, slug VARCHAR, value VARCHAR, detail VARCHAR)"
    )
