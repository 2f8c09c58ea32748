"""The contract between set-wise work and the system of record: bulk load and bulk fetch."""

import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, cast

import duckdb
import pyarrow as pa
from sqlalchemy import ClauseElement, Executable
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

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
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        csv_path, rows = _write_csv(duck, query, columns, Path(folder) / "rows.csv")
        if rows:
            store_for(session).load_csv(session, table, columns, csv_path)
    return rows


def load_chunks(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    table: str,
    columns: Sequence[str],
    queries: Sequence[str],
    scratch: Path | None = None,
) -> Iterator[int]:
    """Insert the rows of each workspace query in turn, yielding each one's count once the database holds it.

    DuckDB writes the next query's rows (on a cursor of its own, in a thread) while the database stores the current
    ones: both release the GIL, so on two cores the file writing costs almost nothing next to the inserts. The queries
    must read workspace tables (an Arrow table registered on `duck` alone is not seen by another cursor).
    """
    store = store_for(session)
    with (
        duck.cursor() as writer,
        tempfile.TemporaryDirectory(dir=scratch) as folder,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):

        def write(index: int) -> tuple[Path, int]:
            return _write_csv(writer, queries[index], columns, Path(folder) / f"rows-{index}.csv")

        pending = pool.submit(write, 0) if queries else None
        for index in range(len(queries)):
            assert pending is not None
            csv_path, rows = pending.result()
            pending = pool.submit(write, index + 1) if index + 1 < len(queries) else None
            if rows:
                store.load_csv(session, table, columns, csv_path)
            csv_path.unlink()
            yield rows


def _write_csv(duck: duckdb.DuckDBPyConnection, query: str, columns: Sequence[str], csv_path: Path) -> tuple[Path, int]:
    select = ", ".join(_portable(quote(column)) for column in columns)
    written = duck.execute(
        f"COPY (SELECT {select} FROM ({query})) TO '{csv_path.as_posix()}' (HEADER false, DELIMITER ',')"
    ).fetchone()
    return csv_path, int(written[0]) if written else 0


def _portable(expression: str) -> str:
    # Booleans travel as 0/1, which SQLite stores and PostgreSQL's boolean input accepts.
    return (
        f"CASE typeof({expression}) WHEN 'BOOLEAN' THEN {expression}::INTEGER::VARCHAR ELSE {expression}::VARCHAR END"
    )


def fetch(session: Session, statement: Executable, schema: pa.Schema) -> pa.Table:
    """Run a statement in the session's transaction and return all rows as an Arrow table of `schema`.

    The rows come straight from the driver's cursor and Arrow converts each column in one cast (SQLite's date text,
    0/1 booleans): SQLAlchemy's per-value result processing cost more than the query itself.
    """
    session.flush()
    connection = session.connection()
    clause = cast(ClauseElement, statement)
    compiled = cast(
        SQLCompiler, clause.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    )
    if compiled.positiontup is not None:
        parameters: Any = [compiled.params[name] for name in compiled.positiontup]
    else:
        parameters = compiled.params
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, parameters)
        columns: list[list[Any]] = [[] for _ in schema.names]
        while rows := cursor.fetchmany(FETCH_CHUNK):
            for index, values in enumerate(zip(*rows, strict=True)):
                columns[index].extend(values)
    finally:
        cursor.close()
    arrays = [_typed_array(values, field.type) for values, field in zip(columns, schema, strict=True)]
    return pa.table(arrays, schema=schema)


def _typed_array(values: list[Any], arrow_type: pa.DataType) -> pa.Array:  # type: ignore[type-arg]
    try:
        array: pa.Array = pa.array(values, type=arrow_type)  # type: ignore[type-arg]
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # driver text or integers for dates, times and booleans
        array = pa.array(values).cast(arrow_type)
    return array


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
