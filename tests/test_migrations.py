"""Every migration upgrades, downgrades to nothing and upgrades again, on SQLite and PostgreSQL."""

from pathlib import Path

from sqlalchemy import inspect

from fupin import migrate
from fupin.db import make_engine
from fupin.models import Base
from tests.backends import fresh_database


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        migrate.upgrade(url)
        assert table_names(url) == set(Base.metadata.tables)
        migrate.downgrade(url, "base")
        assert table_names(url) == set()
        migrate.upgrade(url)
        assert table_names(url) == set(Base.metadata.tables)
        assert migrate.current(url) is not None


def test_models_and_migrations_agree(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
