from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fupin import migrate
from fupin.config import Settings
from fupin.db import make_engine
from fupin.web.app import create_app
from tests.backends import fresh_database
from tests.factories.accounts import Clock
from tests.factories.divisions import seed_guizhou
from tests.factories.web import share_session

DATA = Path(__file__).resolve().parent / "data"  # small copies of ../shared/data, so any checkout can run the tests
BACKENDS = ["sqlite", "postgres"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole test session; tests isolate by savepoint."""
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        seeding = make_engine(url)
        seed_guizhou(seeding)
        seeding.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of its own, for tests that run commands with their own connections."""
    with fresh_database(backend, tmp_path) as url:
        migrate.upgrade(url)
        seeding = make_engine(url)
        seed_guizhou(seeding)
        seeding.dispose()
        yield url


@pytest.fixture(scope="session")
def data() -> Path:
    return DATA


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, session: Session, clock: Clock) -> FastAPI:
    """The real app over the test database; requests share the test's savepoint session, so nothing leaks."""
    settings = Settings(
        database_url=database_url, secret_key=SecretStr("s" * 40), login_max_failures=3, worker_threads=0
    )
    application = create_app(settings, clock=clock)
    return share_session(application, session)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client
