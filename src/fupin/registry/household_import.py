"""Household sheets (national 户信息 export or fupin's template): household fields and one year's income."""

from typing import TYPE_CHECKING

import duckdb
from sqlalchemy import literal_column, select, table

from fupin.engine.base import drop_temp, fetch_columns, temp_keys
from fupin.engine.duck import register
from fupin.errors import FupinError, Location, Problem
from fupin.registry.capture import scope_problems
from fupin.registry.existing import fetch_existing
from fupin.registry.fields import INCOME_FIELDS, INCOME_PARTS
from fupin.registry.locating import location_problems, plan_location
from fupin.registry.models import Household, Income
from fupin.registry.staging import (
    StagingPlan,
    build_staged,
    collect_field_problems,
    column_name,
    create_problems,
    create_valid,
    plan_staging,
)
from fupin.registry.writer import Target, classify, insert, update, write_households
from fupin.tabular.layout import Binding
from fupin.tabular.read import ROW, Sheet

if TYPE_CHECKING:
    from fupin.registry.importer import SheetResult, _Context

KEY = "household__household_number"
INCOME_KEYS = "fupin_keys_income"
NET_PARTS = ("wage_income", "business_income", "property_income", "transfer_income")


def import_household_sheet(context: "_Context", sheet: Sheet, binding: Binding) -> "SheetResult":
    from fupin.registry.importer import SheetResult, _finish_problems

    duck, session = context.duck, context.session
    result = SheetResult(sheet.name, binding.layout.name, sheet.headers, read=sheet.table.num_rows)
    context.progress("校验户信息", 0, result.read)
    context.checkpoint()
    has = {column_name(column.target) for column in binding.by_index.values()}
    _require_year(has, sheet.name)
    incomes = sorted(name for name in has if name.startswith("income__"))
    plan = plan_staging(duck, sheet, binding, context.lists, context.today)
    plan_location(session, duck, plan, has)
    if incomes:
        _plan_net_income(plan, has)
    build_staged(duck, plan)
    create_problems(duck)
    collect_field_problems(duck, binding)
    location_problems(duck, has)
    _duplicates(duck)
    if incomes:
        _income_rules(duck, has, context.settings.income_tolerance_yuan)
    fetch_existing(session, duck, households=f"SELECT {KEY} AS key FROM staged", persons=None)
    scope_problems(duck, context.scope, KEY)
    _finish_problems(context, sheet, binding, result)
    create_valid(duck)
    context.progress("写入户信息", 0, result.read - result.rejected)
    context.checkpoint()  # the checks only read: end that transaction, so the writes start a fresh one
    fields = [
        "division_code",
        *sorted(
            n.removeprefix("household__")
            for n in has
            if n.startswith("household__") and n not in (KEY, "household__division_code")
        ),
    ]
    _upsert_households(context, fields, result)
    if incomes:
        _upsert_incomes(context, [n.removeprefix("income__") for n in incomes], has)
    result.unchanged = result.read - result.rejected - result.inserted - result.updated
    return result


def _require_year(has: set[str], sheet: str) -> None:
    if any(name.startswith("income__") for name in has) and "income__year" not in has:
        raise FupinError(
            Problem("header-incomplete", "有收入列但缺少「年度」列", Location(sheet=sheet), expected="增加「年度」列")
        )


def _duplicates(duck: duckdb.DuckDBPyConnection) -> None:
    duck.execute(
        f"""
        INSERT INTO problems SELECT {ROW}, '{KEY}', 'duplicate-household', {KEY}__text, '与第' || first_row || '行重复'
        FROM (SELECT {ROW}, {KEY}, {KEY}__text, first_value({ROW}) OVER w AS first_row, row_number() OVER w AS n
              FROM staged WHERE {KEY} IS NOT NULL WINDOW w AS (PARTITION BY {KEY} ORDER BY {ROW}))
        WHERE n > 1
        """
    )


def _income_rules(duck: duckdb.DuckDBPyConnection, has: set[str], tolerance: float) -> None:
    """Totals equal their parts; 纯收入 and 人均纯收入 follow domain.md §1.6 where both sides are given."""
    for total, parts in INCOME_PARTS.items():
        given = [f"income__{part}" for part in parts if f"income__{part}" in has]
        if f"income__{total}" in has and given:
            summed = " + ".join(f"coalesce({p}, 0)" for p in given)
            any_part = " OR ".join(f"{p} IS NOT NULL" for p in given)
            _flag(
                duck,
                f"income__{total}",
                "income-parts-mismatch",
                f"income__{total} IS NOT NULL AND ({any_part}) AND abs(income__{total} - ({summed})) > {tolerance}",
                f"'分项合计 ' || round({summed}, 2)",
            )
    if "income__net_income" in has:
        _flag(
            duck,
            "income__net_income",
            "net-income-mismatch",
            "income__net_income IS NOT NULL AND net_computed IS NOT NULL AND abs(income__net_income - net_computed) "
            f"> {tolerance}",
            "'按公式 ' || round(net_computed, 2)",
        )
    if {"income__per_capita_net_income", "income__household_size"} <= has:
        net = "coalesce(income__net_income, net_computed)" if "income__net_income" in has else "net_computed"
        per_capita = f"({net}) / income__household_size"
        _flag(
            duck,
            "income__per_capita_net_income",
            "per-capita-mismatch",
            f"income__per_capita_net_income IS NOT NULL AND income__household_size > 0 AND ({net}) IS NOT NULL AND "
            f"abs(income__per_capita_net_income - {per_capita}) > {tolerance}",
            f"'按公式 ' || round({per_capita}, 2)",
        )


def _plan_net_income(plan: StagingPlan, has: set[str]) -> None:
    plan.layers.append([f"CAST({_net_expression(has)} AS DOUBLE) AS net_computed"])


def _net_expression(has: set[str]) -> str:
    if not all(f"income__{part}" in has for part in NET_PARTS):
        return "NULL"
    parts = " + ".join(f"coalesce(income__{part}, 0)" for part in NET_PARTS)
    costs = "coalesce(income__business_costs, 0)" if "income__business_costs" in has else "0"
    return f"{parts} - {costs}"


def _flag(duck: duckdb.DuckDBPyConnection, field: str, slug: str, condition: str, detail: str) -> None:
    duck.execute(
        f"INSERT INTO problems SELECT {ROW}, '{field}', '{slug}', {field}__text, {detail} FROM staged WHERE {condition}"
    )


def _upsert_households(context: "_Context", fields: list[str], result: "SheetResult") -> None:
    duck = context.duck
    selects = ", ".join(f"{'division_code' if f == 'division_code' else 'household__' + f} AS {f}" for f in fields)
    duck.execute(f"CREATE OR REPLACE TABLE hh_in AS SELECT {KEY} AS household_number, {selects} FROM valid")
    result.inserted, result.updated = write_households(
        context.session,
        duck,
        fields=fields,
        changeset=context.changeset,
        chunk_rows=context.settings.import_batch_rows,
    )
    result.households_inserted, result.households_updated = result.inserted, result.updated
    context.checkpoint()


def _upsert_incomes(context: "_Context", fields: list[str], has: set[str]) -> None:
    """One income row per household and year; net and per-capita net are computed where the file leaves them blank."""
    duck, session = context.duck, context.session
    _household_ids(context)
    values = {f: f"v.income__{f}" for f in fields}
    values["net_income"] = (
        "coalesce(v.income__net_income, v.net_computed)" if "net_income" in values else "v.net_computed"
    )
    if "household_size" in values:
        stated = values.get("per_capita_net_income", "NULL")
        values["per_capita_net_income"] = (
            f"coalesce({stated}, round(({values['net_income']}) / nullif(v.income__household_size, 0), 2))"
        )
    names = sorted(values)
    selects = ", ".join(f"{values[n]} AS {n}" for n in names)
    duck.execute(
        "CREATE OR REPLACE TABLE inc_in AS SELECT h.id AS household_id, h.id::VARCHAR || '/' || "
        f"v.income__year::VARCHAR AS income_key, {selects} "
        f"FROM valid v JOIN household_ids h ON h.household_number = v.{KEY}"
    )
    _existing_incomes(context)
    compared = [n for n in names if n != "year"]
    classify(duck, incoming="inc_in", existing="existing_incomes", key="income_key", fields=compared)
    if context.changeset is None:
        return
    target = Target(Income.__table__, "income", tuple(names))  # type: ignore[arg-type]
    insert(
        session,
        duck,
        target=target,
        query="SELECT * FROM inc_in_new",
        columns=["household_id", *names],
        changeset=context.changeset,
        chunk_rows=context.settings.import_batch_rows,
    )
    update(
        session,
        duck,
        target=target,
        query="SELECT * FROM inc_in_changed",
        columns=compared,
        changeset=context.changeset,
    )
    context.checkpoint()


def _household_ids(context: "_Context") -> None:
    """household_ids(id, household_number): the households of this sheet, those just created included."""
    duck = context.duck
    duck.execute("CREATE OR REPLACE TABLE household_ids AS SELECT id, household_number FROM existing_households")
    if context.changeset is not None:
        created = select(Household.id, Household.household_number).where(
            Household.created_changeset_id == context.changeset.id
        )
        register(duck, "created_households", fetch_columns(context.session, created))
        duck.execute("INSERT INTO household_ids SELECT id, household_number FROM created_households")


def _existing_incomes(context: "_Context") -> None:
    duck, session = context.duck, context.session
    temp_keys(session, duck, name=INCOME_KEYS, query="SELECT household_number AS key FROM existing_households")
    try:
        columns = [getattr(Income, spec.name) for spec in INCOME_FIELDS]
        statement = (
            select(Income.id, Income.household_id, *columns)
            .join(Household, Household.id == Income.household_id)
            .where(
                Income.deleted_at.is_(None),
                Household.household_number.in_(select(literal_column("key")).select_from(table(INCOME_KEYS))),
            )
        )
        register(duck, "existing_incomes_raw", fetch_columns(session, statement))
    finally:
        drop_temp(session, INCOME_KEYS)
    duck.execute(
        "CREATE OR REPLACE TABLE existing_incomes AS "
        "SELECT *, household_id::VARCHAR || '/' || year::VARCHAR AS income_key FROM existing_incomes_raw"
    )
