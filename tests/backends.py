"""The two systems of record every database test runs on: an SQLite file and a fresh PostgreSQL database."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get("FUPIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("FUPIN_REQUIRE_POSTGRES") == "1"


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def skip_or_fail_without_postgres() -> None:
    if postgres_available():
        return
    message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}"
    if REQUIRE_POSTGRES:
        pytest.fail(message + " and FUPIN_REQUIRE_POSTGRES=1 makes it mandatory")
    pytest.skip(message + " (set FUPIN_TEST_POSTGRES_URL, or FUPIN_REQUIRE_POSTGRES=1 to fail instead)")


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A URL of an empty database of the given backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{(folder / f'fupin-{uuid.uuid4().hex[:8]}.db').as_posix()}"
        return
    skip_or_fail_without_postgres()
    name = f"fupin_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
