"""The in-process DuckDB workspace where imports are normalised and checked set-wise."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa


@contextmanager
def workspace(scratch: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection that spills to `scratch` when memory runs short."""
    con = duckdb.connect(config={"preserve_insertion_order": True})
    if scratch is not None:
        con.execute(f"SET temp_directory = '{scratch.as_posix()}'")
    try:
        yield con
    finally:
        con.close()


def to_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pa.Table:
    """Run a query in the workspace and return the result as an Arrow table."""
    con.complete()
    table: pa.Table = con.sql(sql, params=params).to_arrow_table()
    return table


def register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Materialise an Arrow table as a workspace table (replacing any earlier one)."""
    con.complete()  # DuckDB 2 refuses new work while an earlier result is partly fetched
    con.register("__incoming", table)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM __incoming')
    con.unregister("__incoming")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
