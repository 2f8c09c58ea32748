"""The real app over a database of its own (no shared test session), so uploads, jobs and the worker commit for real."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.config import Settings
from fupin.db import make_engine
from fupin.job_kinds import HANDLERS
from fupin.jobs.worker import Worker
from fupin.web.app import create_app
from tests.factories.accounts import make_user
from tests.factories.registry import VILLAGE, Person, family, write_csv

VILLAGE_SCOPE = "520526100034"  # 草海镇 东山社区: where the factories' families live


def settings_for(url: str, upload_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "secret_key": SecretStr("k" * 40),
        "upload_dir": upload_dir,
        "worker_threads": 0,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@contextmanager
def live_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver", follow_redirects=False) as client:
        yield client


def run_jobs(settings: Settings) -> list[int]:
    engine = make_engine(settings.database_url)
    try:
        return Worker(engine=engine, settings=settings, handlers=HANDLERS).run_until_empty()
    finally:
        engine.dispose()


def user(engine: Engine, username: str, role: Role = Role.village, scope_prefix: str = VILLAGE_SCOPE) -> str:
    with Session(engine) as session:
        make_user(session, username=username, role=role, scope_prefix=scope_prefix)
    return username


def dirty_file(path: Path) -> tuple[Path, set[str]]:
    """Two good families in the village, one family in the neighbouring village (outside a village cadre's scope),
    one member with a broken ID; returns the file and the ID numbers of the rows that must be rejected."""
    people = family("5205261000340001", 3) + family("5205261000340002", 2)
    outside = family("5205261000340003", 2, 村="同心社区")
    broken = Person("5205261000340001", "之女", "张小丽", "女", "20120101", id_number="52052620120101999X")
    broken.location = dict(VILLAGE)
    write_csv(path, [*people, *outside, broken])
    return path, {person.id_number or "" for person in [*outside, broken]}
