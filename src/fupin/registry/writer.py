"""Set-wise upserts from the workspace into the system of record, with audit events for every update."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
from sqlalchemy import Column, MetaData, Table, bindparam, literal, select, text
from sqlalchemy.orm import Session

from fupin.audit import Changeset
from fupin.db import analyze, utcnow
from fupin.engine.base import drop_temp, load, load_chunks
from fupin.engine.duck import quote
from fupin.registry.models import Household

Checkpoint = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Target:
    """A registry table as the writer sees it: its model table, audit entity name, and the compared fields."""

    table: Table
    entity: str
    fields: tuple[str, ...]


def classify(duck: duckdb.DuckDBPyConnection, *, incoming: str, existing: str, key: str, fields: Sequence[str]) -> None:
    """Split `incoming` (one row per key) into `<incoming>_new` and `<incoming>_changed` (id, before, after JSON)."""
    pairs = ", ".join(
        f"struct_pack(k := '{name}', b := CAST(e.{quote(name)} AS VARCHAR), a := CAST(n.{quote(name)} AS VARCHAR))"
        for name in fields
    )
    changed = f"list_filter([{pairs}], lambda x: x.b IS DISTINCT FROM x.a)" if fields else "[]"
    duck.execute(
        f"CREATE OR REPLACE VIEW {incoming}_new AS SELECT n.* FROM {incoming} n "
        f"ANTI JOIN {existing} e ON e.{key} = n.{key}"
    )
    duck.execute(
        f"""
        CREATE OR REPLACE TABLE {incoming}_changed AS
        SELECT n.*, e.id AS id, e.household_id AS audit_household_id,
               to_json(map_from_entries(
                 list_transform(changes, lambda x: struct_pack(k := x.k, v := x.b))))::VARCHAR AS before,
               to_json(map_from_entries(
                 list_transform(changes, lambda x: struct_pack(k := x.k, v := x.a))))::VARCHAR AS after
        FROM (SELECT n.*, {changed} AS changes, n.{key} AS matched_key
              FROM {incoming} n JOIN {existing} e ON e.{key} = n.{key}) n
        JOIN {existing} e ON e.{key} = n.matched_key
        WHERE len(n.changes) > 0
        """
    )


def insert(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    target: Target,
    query: str,
    columns: Sequence[str],
    changeset: Changeset,
    chunk_rows: int,
    on_chunk: Callable[[int, bool], None] | None = None,
) -> int:
    """Insert the rows of a workspace query in chunks; after each chunk `on_chunk(rows, commit_allowed)` runs.

    Into an empty table (a first load) the secondary indexes are dropped and rebuilt once at the end, which is
    several times faster than maintaining them row by row; until they are back no commit may happen, so
    `commit_allowed` is False for those chunks.
    """
    now = utcnow().isoformat(sep=" ")
    stamped = (
        f"SELECT {', '.join(quote(c) for c in columns)}, {changeset.id} AS created_changeset_id, "
        f"{changeset.id} AS updated_changeset_id, TIMESTAMP '{now}' AS updated_at FROM ({query})"
    )
    duck.execute(f"CREATE OR REPLACE TABLE to_insert AS {stamped}")
    total = count(duck, "to_insert")
    all_columns = [*columns, "created_changeset_id", "updated_changeset_id", "updated_at"]
    chunks = [
        f"SELECT * FROM to_insert WHERE rowid >= {start} AND rowid < {start + chunk_rows}"
        for start in range(0, total, chunk_rows)
    ]
    with bulk_indexes(session, target.table, rows=total) as bulk:
        for rows in load_chunks(session, duck, table=target.table.name, columns=all_columns, queries=chunks):
            if on_chunk is not None:
                on_chunk(rows, not bulk)
    duck.execute("DROP TABLE to_insert")
    if total >= BULK_MINIMUM_ROWS:
        analyze(session, target.table.name)  # the next queries (assessment, dashboard) plan on these statistics
    return total


BULK_MINIMUM_ROWS = 50_000


@contextmanager
def bulk_indexes(session: Session, table: Table, *, rows: int) -> Iterator[bool]:
    """Drop the secondary indexes of an empty table before a large insert and rebuild them after it.

    Yields whether the indexes are down. Rebuilding a unique index also re-checks uniqueness, so a bulk load can
    never leave duplicates behind; DDL is transactional on both databases, so a failure restores the indexes.
    """
    indexes = list(table.indexes)
    if rows < BULK_MINIMUM_ROWS or not indexes or _has_rows(session, table):
        yield False
        return
    connection = session.connection()
    for index in indexes:
        index.drop(bind=connection)
    yield True
    for index in indexes:
        index.create(bind=connection)


def _has_rows(session: Session, table: Table) -> bool:
    return session.execute(select(literal(1)).select_from(table).limit(1)).first() is not None


def update(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    target: Target,
    query: str,
    columns: Sequence[str],
    changeset: Changeset,
) -> int:
    """Apply the changed rows (`id` + columns) of a workspace query with one UPDATE ... FROM, and audit each."""
    changed = count(duck, f"({query})")
    if changed == 0:
        return 0
    stage = _stage_table(target.table, columns)
    stage.create(session.connection())
    try:
        load(
            session,
            duck,
            table=stage.name,
            columns=["id", *columns],
            query=f"SELECT id, {', '.join(quote(c) for c in columns)} FROM ({query})",
        )
        assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns)
        session.execute(
            text(
                f"UPDATE {target.table.name} SET {assignments}, updated_changeset_id = :changeset, updated_at = :now "
                f"FROM {stage.name} s WHERE {target.table.name}.id = s.id"
            ).bindparams(bindparam("changeset", changeset.id), bindparam("now", utcnow()))
        )
    finally:
        drop_temp(session, stage.name)
    _audit(session, duck, target=target, query=query, changeset=changeset)
    return changed


def _stage_table(model: Table, columns: Sequence[str]) -> Table:
    copies = [Column("id", model.c.id.type, primary_key=True)] + [Column(name, model.c[name].type) for name in columns]
    return Table(f"fupin_stage_{model.name}", MetaData(), *copies, prefixes=["TEMPORARY"])


def _audit(
    session: Session, duck: duckdb.DuckDBPyConnection, *, target: Target, query: str, changeset: Changeset
) -> None:
    household = "id" if target.entity == "household" else "audit_household_id"
    load(
        session,
        duck,
        table="audit_event",
        columns=["changeset_id", "entity", "entity_id", "household_id", "action", "before", "after"],
        query=(
            f"SELECT {changeset.id} AS changeset_id, '{target.entity}' AS entity, CAST(id AS VARCHAR) AS entity_id, "
            f"{household} AS household_id, 'update' AS action, before, after FROM ({query})"
        ),
    )


def count(duck: duckdb.DuckDBPyConnection, table: str) -> int:
    row = duck.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def write_households(
    session: Session,
    duck: duckdb.DuckDBPyConnection,
    *,
    fields: Sequence[str],
    changeset: Changeset | None,
    chunk_rows: int,
) -> tuple[int, int]:
    """Classify the workspace table `hh_in` against `existing_households`, insert the new households and update the
    changed ones; in a dry run only count them."""
    classify(duck, incoming="hh_in", existing="existing_households", key="household_number", fields=fields)
    if changeset is None:
        return count(duck, "hh_in_new"), count(duck, "hh_in_changed")
    target = Target(Household.__table__, "household", tuple(fields))  # type: ignore[arg-type]
    columns = ["household_number", *fields]
    inserted = insert(
        session,
        duck,
        target=target,
        query="SELECT * FROM hh_in_new",
        columns=columns,
        changeset=changeset,
        chunk_rows=chunk_rows,
    )
    updated = update(
        session, duck, target=target, query="SELECT * FROM hh_in_changed", columns=list(fields), changeset=changeset
    )
    session.flush()
    return inserted, updated
