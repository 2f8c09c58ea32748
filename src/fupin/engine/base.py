"""The contract between set-wise work and the system of record: bulk load and bulk fetch."""

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
from sqlalchemy import Executable
from sqlalchemy.orm import Session

from fupin.engine.duck import quote

FETCH_CHUNK = 50_000


class Store(Protocol):
    """How one database kind receives a DuckDB query's rows in bulk."""

    def load_csv(self, session: Session, table: str, columns: Sequence[str], csv_path: Path) -> None: ...


def load(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    table: str,
    columns: Sequence[str],
    query: str,
    scratch: Path | None = None,
) -> int:
    """Insert the rows of a workspace query into `table` of the session's database; return the count."""
    count = duck.execute(f"SELECT count(*) FROM ({query})").fetchone()
    total = int(count[0]) if count else 0
    if total == 0:
        return 0
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        csv_path = Path(folder) / "rows.csv"
        select = ", ".join(_portable(quote(column)) for column in columns)
        duck.execute(f"COPY (SELECT {select} FROM ({query})) TO '{csv_path.as_posix()}' (HEADER false, DELIMITER ',')")
        store_for(session).load_csv(session, table, columns, csv_path)
    return total


def _portable(expression: str) -> str:
    # Booleans travel as 0/1, which SQLite stores and PostgreSQL's boolean input accepts.
    return (
        f"CASE typeof({expression}) WHEN 'BOOLEAN' THEN {expression}::INTEGER::VARCHAR ELSE {expression}::VARCHAR END"
    )


def fetch(session: Session, statement: Executable, schema: pa.Schema | None = None) -> pa.Table:
    """Run a statement in the session's transaction and return all rows as an Arrow table."""
    session.flush()
    result = session.connection().execute(statement)  # Core rows: no ORM loading machinery per row
    names = list(result.keys())
    columns: list[list[Any]] = [[] for _ in names]
    while rows := result.fetchmany(FETCH_CHUNK):
        for index, values in enumerate(zip(*rows, strict=True)):
            columns[index].extend(values)
    if schema is not None:
        return pa.table(
            [pa.array(col, type=schema.field(name).type) for col, name in zip(columns, names, strict=True)],
            schema=schema,
        )
    return pa.table({name: pa.array(col) for name, col in zip(names, columns, strict=True)})


def store_for(session: Session) -> Store:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from fupin.engine.sqlite import SqliteStore

        return SqliteStore()
    if dialect == "postgresql":
        from fupin.engine.postgres import PostgresStore

        return PostgresStore()
    raise ValueError(f"unsupported database dialect: {dialect}")


def arrow_type(sql_type: object) -> pa.DataType:
    """The Arrow type that holds values of a SQLAlchemy column type."""
    from sqlalchemy import Boolean, Date, DateTime, Float, Integer

    if isinstance(sql_type, Boolean):
        return pa.bool_()
    if isinstance(sql_type, Integer):
        return pa.int64()
    if isinstance(sql_type, Float):
        return pa.float64()
    if isinstance(sql_type, DateTime):
        return pa.timestamp("us")
    if isinstance(sql_type, Date):
        return pa.date32()
    return pa.string()


def fetch_columns(session: Session, statement: Any) -> pa.Table:
    """Like `fetch`, with the Arrow schema taken from the statement's own column types."""
    schema = pa.schema([(column.name, arrow_type(column.type)) for column in statement.selected_columns])
    return fetch(session, statement, schema)


def temp_keys(session: Session, duck: duckdb.DuckDBPyConnection, *, name: str, query: str) -> str:
    """Copy one text column of keys from the workspace into a temporary table of the database; return its name."""
    connection = session.connection()
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} (key VARCHAR(64) PRIMARY KEY)")
    load(session, duck, table=name, columns=["key"], query=f"SELECT DISTINCT key FROM ({query}) WHERE key IS NOT NULL")
    return name


def drop_temp(session: Session, name: str) -> None:
    session.connection().exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
