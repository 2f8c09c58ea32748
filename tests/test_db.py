"""The engines requests run on: reading requests on PostgreSQL get read-only connections that need no BEGIN/COMMIT."""

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from fupin.db import reader


def test_the_reading_engine(engine: Engine, backend: str) -> None:
    reading = reader(engine, pool_size=2)
    if backend == "sqlite":
        assert reading is engine  # a reading transaction is a snapshot there, and costs no round trip
        return
    try:
        with reading.connect() as connection:
            assert connection.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
            assert connection.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            with pytest.raises(DBAPIError, match="read-only transaction"):
                connection.execute(text("CREATE TEMPORARY TABLE scratch (id integer)"))
    finally:
        reading.dispose()
