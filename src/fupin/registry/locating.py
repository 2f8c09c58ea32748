"""Give every staged row its village code: from a 村代码 column, or from the five name columns.

Both ways look up distinct values only (codes, or name paths) and join the answer into the one statement that
builds `staged`; the problems are reported once it exists.
"""

import duckdb
from sqlalchemy.orm import Session

from fupin.divisions import service as divisions
from fupin.registry.checks import clean
from fupin.registry.location import resolve_names
from fupin.registry.staging import StagingPlan, register_lookup
from fupin.tabular.layout import LOCATION_LEVELS

CODE_COLUMN = "household__division_code"


def plan_location(session: Session, duck: duckdb.DuckDBPyConnection, plan: StagingPlan, has: set[str]) -> None:
    """Plan `division_code` and `division_code__text` (and `division_level` for codes) into `staged`."""
    if CODE_COLUMN in has:
        _by_code(session, duck, plan)
    else:
        _by_names(session, duck, plan)


def location_problems(duck: duckdb.DuckDBPyConnection, has: set[str]) -> None:
    """Report the codes that are no village and the name paths that find none."""
    if CODE_COLUMN in has:
        duck.execute(
            f"INSERT INTO problems SELECT _row, '{CODE_COLUMN}', CASE WHEN division_level IS NULL THEN "
            f"'unknown-division' ELSE 'not-village' END, {CODE_COLUMN}__text, NULL FROM staged "
            f"WHERE {CODE_COLUMN} IS NOT NULL AND {CODE_COLUMN}__err IS NULL AND division_code IS NULL"
        )
        return
    duck.execute(
        "INSERT INTO problems SELECT _row, 'division_code', 'unknown-village', division_code__text, NULL "
        "FROM staged WHERE division_code IS NULL"
    )


def _by_code(session: Session, duck: duckdb.DuckDBPyConnection, plan: StagingPlan) -> None:
    lookup = plan.lookups[CODE_COLUMN]
    codes = [
        code
        for (code,) in duck.execute(
            f"SELECT DISTINCT value FROM {lookup} WHERE error IS NULL AND value IS NOT NULL"
        ).fetchall()
    ]
    register_lookup(duck, plan, "known_codes", divisions.existing_codes(session=session, codes=codes))
    plan.joins.append(f"LEFT JOIN known_codes k ON k.code = {lookup}.value")
    plan.selects += [
        f"CASE WHEN k.level = 5 THEN {lookup}.value END AS division_code",
        f"{lookup}.given AS division_code__text",
        "k.level AS division_level",
    ]


def _by_names(session: Session, duck: duckdb.DuckDBPyConnection, plan: StagingPlan) -> None:
    names = {level: plan.raw.get(f"location__{level}") for level in LOCATION_LEVELS}
    distinct = ", ".join(
        f"{clean(raw) if raw else 'NULL::VARCHAR'} AS location__{level}" for level, raw in names.items()
    )
    duck.execute(f"CREATE OR REPLACE TABLE loc_source AS SELECT DISTINCT {distinct} FROM raw")
    resolve_names(session, duck, "loc_source")
    plan.scratch += ["loc_source", "loc_path"]
    cleaned = {level: plan.cleaned.get(f"location__{level}", "NULL::VARCHAR") for level in LOCATION_LEVELS}
    on = " AND ".join(f"p.location__{level} IS NOT DISTINCT FROM {text}" for level, text in cleaned.items())
    plan.joins.append(f"LEFT JOIN loc_path p ON {on}")
    # The name path is shown only for rows whose village is not found: computed by the view where it is read.
    stored = [
        f"location__{level}" if f"location__{level}" in plan.cleaned else "NULL::VARCHAR" for level in LOCATION_LEVELS
    ]
    path = " || '/' || ".join(f"coalesce({column}, '')" for column in stored)
    plan.selects.append("p.code_5 AS division_code")
    plan.lazy.append(f"{path} AS division_code__text")
