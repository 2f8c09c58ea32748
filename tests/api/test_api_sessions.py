"""Request sessions through the real dependency (the other API tests share the test's savepoint session instead): a
reading request's transaction is read-only on PostgreSQL and ends keeping the connection's prepared statements, and
changes it made to loaded rows are never written; a writing request writes even when another connection committed
after its user was looked up."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fupin.accounts import credentials
from fupin.accounts.enums import Role
from fupin.api.deps import CurrentUser, DbSession
from fupin.audit import Actor, open_changeset
from fupin.config import Settings
from fupin.db import make_engine
from fupin.divisions.models import Division
from fupin.web.app import create_app
from tests.factories.accounts import make_user

PROVINCE = "520000000000"


@pytest.fixture
def probed(fresh_url: str) -> Iterator[TestClient]:
    """The app over its own database with one pooled connection, and probe routes that read, write and count."""
    settings = Settings(database_url=fresh_url, secret_key=SecretStr("s" * 40), worker_threads=0, database_pool_size=1)
    app = create_app(settings)
    add_probes(app, postgres=fresh_url.startswith("postgresql"), url=fresh_url)
    with TestClient(app) as client:
        yield client


def add_probes(app: FastAPI, *, postgres: bool, url: str) -> None:
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

    @app.post("/probe/after-another-commit")
    def write_after_another_commit(principal: CurrentUser, db: DbSession) -> dict[str, str]:
        rename_elsewhere(url, "另一连接")  # between the user's lookup and this route's own reads and writes
        unit = db.scalars(select(Division).where(Division.code == PROVINCE)).one()
        unit.name = f"{unit.name}，{principal.username}"
        db.commit()
        return {"saved": unit.name}

    @app.post("/probe/rename")
    def rename(db: DbSession) -> dict[str, str]:
        unit = db.scalars(select(Division).where(Division.code == PROVINCE)).one()
        unit.name = "改名"
        db.commit()
        return {"saved": unit.name}


def rename_elsewhere(url: str, name: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(update(Division).where(Division.code == PROVINCE).values(name=name))
    engine.dispose()


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


def test_a_writing_request_writes_after_another_connection_committed(probed: TestClient, fresh_url: str) -> None:
    """On SQLite a transaction that read (the user's lookup) cannot write once another connection has committed:
    the lookup's transaction ends, and the route's begins holding the write lock."""
    engine = make_engine(fresh_url)
    with Session(engine) as session:
        user = make_user(session, username="xie.ru", role=Role.admin, scope_prefix="")
        raw, _ = credentials.issue_token(
            session=session,
            changeset=open_changeset(session=session, actor=Actor("test", "system")),
            user=user,
            name="probe",
            now=datetime.now(),
            lifetime=timedelta(hours=1),
        )
        session.commit()
    engine.dispose()
    answer = probed.post("/probe/after-another-commit", headers={"Authorization": f"Bearer {raw}"})
    assert answer.json() == {"saved": "另一连接，xie.ru"}
    assert province_name(fresh_url) == "另一连接，xie.ru"
