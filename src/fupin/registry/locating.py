"""Give every staged row its village code: from a 村代码 column, or from the five name columns."""

import duckdb
from sqlalchemy.orm import Session

from fupin.divisions import service as divisions
from fupin.engine.duck import register
from fupin.registry.location import resolve_names
from fupin.tabular.layout import LOCATION_LEVELS


def locate(session: Session, duck: duckdb.DuckDBPyConnection, has: set[str]) -> None:
    """Add `division_code` and `division_code__text` to `staged`; report codes or names that find no village."""
    if "household__division_code" in has:
        _by_code(session, duck)
    else:
        _by_names(session, duck)


def _by_code(session: Session, duck: duckdb.DuckDBPyConnection) -> None:
    codes = [
        code
        for (code,) in duck.execute(
            "SELECT DISTINCT household__division_code FROM staged WHERE household__division_code__err IS NULL AND "
            "household__division_code IS NOT NULL"
        ).fetchall()
    ]
    register(duck, "known_codes", divisions.existing_codes(session=session, codes=codes))
    duck.execute(
        "CREATE OR REPLACE TABLE staged AS SELECT s.*, CASE WHEN k.level = 5 THEN s.household__division_code END AS "
        "division_code, "
        "s.household__division_code__text AS division_code__text, k.level AS division_level FROM staged s "
        "LEFT JOIN known_codes k ON k.code = s.household__division_code"
    )
    duck.execute(
        "INSERT INTO problems SELECT _row, 'household__division_code', CASE WHEN division_level IS NULL THEN "
        "'unknown-division' ELSE 'not-village' END, "
        "household__division_code__text, NULL FROM staged WHERE household__division_code IS NOT NULL AND "
        "household__division_code__err IS NULL AND division_code IS NULL"
    )


def _by_names(session: Session, duck: duckdb.DuckDBPyConnection) -> None:
    resolve_names(session, duck, "staged")
    path = " || '/' || ".join(f"coalesce(location__{level}, '')" for level in LOCATION_LEVELS)
    duck.execute(
        f"CREATE OR REPLACE TABLE staged AS SELECT s.*, l.division_code, {path} AS division_code__text "
        "FROM staged s JOIN located l USING (_row)"
    )
    duck.execute(
        "INSERT INTO problems SELECT _row, 'division_code', 'unknown-village', division_code__text, NULL "
        "FROM staged WHERE division_code IS NULL"
    )
