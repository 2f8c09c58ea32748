"""Request sessions through the real dependency (the other API tests share the test's savepoint session instead): a
reading request's transaction is read-only on PostgreSQL and ends keeping the connection's prepared statements, and
changes it made to loaded rows are never written."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fupin.api.deps import DbSession
from fupin.config import Settings
from fupin.db import make_engine
from fupin.divisions.models import Division
from fupin.web.app import create_app

PROVINCE = "520000000000"


@pytest.fixture
def probed(fresh_url: str) -> Iterator[TestClient]:
    """The app over its own database with one pooled connection, and probe routes that read, write and count."""
    settings = Settings(database_url=fresh_url, secret_key=SecretStr("s" * 40), worker_threads=0, database_pool_size=1)
    app = create_app(settings)
    add_probes(app, postgres=fresh_url.startswith("postgresql"))
    with TestClient(app) as client:
        yield client


def add_probes(app: FastAPI, *, postgres: bool) -> None:
    prepared_now = text("SELECT count(*) FROM pg_prepared_statements") if postgres else text("SELECT 0")

    @app.get("/probe/prepared")
    def prepared(db: DbSession) -> dict[str, int]:
        before = int(db.scalar(prepared_now) or 0)
        for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
            db.execute(select(Division.name).where(Division.code == PROVINCE)).all()
        return {"before": before}

    @app.get("/probe/write")
    def write(db: DbSession) -> dict[str, str]:
        db.execute(text("CREATE TEMPORARY TABLE probe (x INTEGER)"))
        return {"wrote": "yes"}

    @app.get("/probe/rename")
    def rename_while_reading(db: DbSession) -> dict[str, str]:
        unit = db.scalars(select(Division).where(Division.code == PROVINCE)).one()
        unit.name = "改名"
        return {"shown": unit.name}

    @app.post("/probe/rename")
    def rename(db: DbSession) -> dict[str, str]:
        unit = db.scalars(select(Division).where(Division.code == PROVINCE)).one()
        unit.name = "改名"
        db.commit()
        return {"saved": unit.name}


def province_name(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        name = session.scalars(select(Division.name).where(Division.code == PROVINCE)).one()
    engine.dispose()
    return name


def test_a_reading_request_keeps_the_statements_prepared_by_the_one_before(probed: TestClient, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("prepared statements are psycopg's (PostgreSQL)")
    assert probed.get("/probe/prepared").json() == {"before": 0}
    assert probed.get("/probe/prepared").json()["before"] >= 1  # a ROLLBACK would have deallocated them all


def test_a_reading_request_cannot_write_on_postgres(probed: TestClient, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has no read-only transactions")
    with pytest.raises(DBAPIError, match="read-only transaction"):
        probed.get("/probe/write")


def test_changes_made_while_reading_are_not_written(probed: TestClient, fresh_url: str) -> None:
    assert probed.get("/probe/rename").json() == {"shown": "改名"}
    assert province_name(fresh_url) == "贵州省"
    assert probed.post("/probe/rename").json() == {"saved": "改名"}
    assert province_name(fresh_url) == "改名"
