"""Engine, session and metadata conventions shared by every domain."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlean
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from fupin.postgres_cursor import LazyDescriptionCursor

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """An engine for SQLite (sqlean build, WAL, foreign keys) or PostgreSQL (psycopg 3).

    `pool_size`: connections kept open for concurrent requests (ignored for an in-memory SQLite database, which
    lives in its one connection).
    """
    if pool_size is not None and not _in_memory(url):
        # Last in, first out: the same few connections serve a steady load and stay warm (PostgreSQL prepares a
        # statement on a connection after it has run there a few times; a first-in-first-out pool of 16 spreads
        # every statement thin across all of them).
        kwargs |= {"pool_size": pool_size, "max_overflow": pool_size // 2, "pool_use_lifo": True}
    if is_sqlite(url):
        sqlean.extensions.enable("vsv")
        engine = create_engine(url, module=sqlean, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    connect_args = {"cursor_factory": LazyDescriptionCursor, **kwargs.pop("connect_args", {})}
    return create_engine(url, connect_args=connect_args, **kwargs)


def _in_memory(url: str) -> bool:
    return is_sqlite(url) and (url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:") or ":memory:" in url)


# A 64 MiB page cache (the default is 2 MiB) keeps index builds and large inserts out of the disk.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "foreign_keys=ON",
    "busy_timeout=30000",
    "cache_size=-65536",
)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; take it over (SQLAlchemy docs recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


IMMEDIATE_OPTION = "sqlite_begin_immediate"


def writer(engine: Engine) -> Engine:
    """The engine for transactions that read and then write while other connections write (a job and its progress).

    On SQLite a deferred transaction that read an older snapshot cannot become a writer once another connection has
    committed ("database is locked" at once, without waiting): these take the write lock at BEGIN and wait for it.
    PostgreSQL ignores the option.
    """
    return engine.execution_options(**{IMMEDIATE_OPTION: True})


def reader(engine: Engine, *, pool_size: int | None = None) -> Engine:
    """The engine for requests that only read (GET and HEAD); a write through it fails instead of writing.

    PostgreSQL: a pool of its own whose connections are read-only by default and run each statement as its own
    transaction (autocommit). Under READ COMMITTED every statement of a transaction takes a fresh snapshot anyway, so
    a transaction around a page's reads added nothing but its BEGIN and COMMIT: two of a household page's twelve
    round trips. Nothing ever ends in ROLLBACK, at which psycopg would forget every statement it prepared on the
    connection and the next request would parse and plan each again (PostgreSQL's CPU per household page 2.8 →
    1.2 ms when reads stopped rolling back).
    SQLite: the same engine; a reading transaction is a consistent snapshot there and costs no round trip.
    """
    if engine.dialect.name != "postgresql":
        return engine
    url = engine.url
    options = " ".join(filter(None, [str(url.query.get("options") or ""), READ_ONLY_BY_DEFAULT]))
    return make_engine(
        url.render_as_string(hide_password=False),
        pool_size=pool_size,
        isolation_level="AUTOCOMMIT",
        connect_args={"options": options},
    )


READ_ONLY_BY_DEFAULT = "-c default_transaction_read_only=on"


def analyze(session: Session, *tables: str) -> None:
    """Fresh planner statistics for tables just written in bulk, on PostgreSQL (a server whose autovacuum is off or
    has not come round yet would otherwise plan the next reads on none). SQLite keeps the plans it was tuned for."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql("ANALYZE " + ", ".join(tables))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """The transaction a command owns: commit on success, roll back on error."""
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
