"""The PostgreSQL cursor's lazy description says what psycopg's own says, and SQLAlchemy reads results through it."""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from psycopg import _queries
from sqlalchemy import Engine, column, literal, select, table, text

from fupin.db import make_engine
from fupin.postgres_cursor import CACHED_QUERY_LENGTH, Description, LazyDescriptionCursor
from tests.backends import POSTGRES_ADMIN_URL, skip_or_fail_without_postgres

WIDE = "SELECT 1 AS id, 'x'::text AS name, DATE '2020-12-31' AS day, 2.5::numeric AS share, NULL::boolean AS flag"


@pytest.fixture
def postgres() -> Iterator[Engine]:
    skip_or_fail_without_postgres()
    engine = make_engine(POSTGRES_ADMIN_URL)
    yield engine
    engine.dispose()


def test_the_description_is_psycopgs_own() -> None:
    skip_or_fail_without_postgres()
    conninfo = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as plain, psycopg.connect(conninfo, cursor_factory=LazyDescriptionCursor) as lazy:
        expected = plain.execute(WIDE).description
        found = lazy.execute(WIDE).description
        assert isinstance(found, Description)
        assert len(found) == 5
        assert [tuple(item) for item in found] == [tuple(item) for item in expected or []]
        assert [item.name for item in found[1:3]] == ["name", "day"]
        assert lazy.execute("SELECT").description == []  # a result of tuples without columns, as psycopg
        assert lazy.execute("SET search_path TO public").description is None


def test_a_description_outlives_the_next_statement() -> None:
    skip_or_fail_without_postgres()
    conninfo = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, cursor_factory=LazyDescriptionCursor) as connection:
        cursor = connection.cursor()
        first = cursor.execute(WIDE).description
        cursor.execute("SELECT 'other' AS other")
        assert first is not None
        assert [item.name for item in first] == ["id", "name", "day", "share", "flag"]


def test_sqlalchemy_reads_new_and_kept_statements(postgres: Engine) -> None:
    numbers = select(literal(7).label("seven"), literal("七").label("name"))
    with postgres.connect() as connection:
        for _ in range(3):  # the first run reads the description, later ones keep what it learnt
            row = connection.execute(numbers).one()
            assert (row.seven, row.name) == (7, "七")
        typed = connection.execute(text(WIDE)).mappings().one()
        assert typed == {"id": 1, "name": "x", "day": date(2020, 12, 31), "share": Decimal("2.5"), "flag": None}
        listed = connection.execute(select(column("relname")).select_from(table("pg_class")).limit(2)).all()
        assert len(listed) == 2


def test_a_long_query_is_converted_once(postgres: Engine) -> None:
    """psycopg keeps converted queries of up to `CACHED_QUERY_LENGTH` (its own limit, 4 KiB, is raised on import)."""
    padding = ", ".join(f"%(value)s AS c{index}" for index in range(400))
    statement = f"SELECT {padding}"
    assert len(statement.encode()) > 4096
    before = _queries._query2pg.cache_info()
    with postgres.connect() as connection:
        for _ in range(3):
            assert connection.exec_driver_sql(statement, {"value": 7}).first() == (7,) * 400
    after = _queries._query2pg.cache_info()
    assert after.hits - before.hits >= 2
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= CACHED_QUERY_LENGTH > len(statement.encode())
