"""PostgreSQL receives bulk rows through COPY FROM STDIN on the session's own connection."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import Session

from fupin.engine.duck import quote

COPY_CHUNK = 1 << 20


class PostgresStore:
    def load_csv(self, session: Session, table: str, columns: Sequence[str], csv_path: Path) -> None:
        dbapi = cast(Any, session.connection().connection.dbapi_connection)
        target = ", ".join(quote(column) for column in columns)
        with (
            dbapi.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({target}) FROM STDIN WITH (FORMAT csv)") as copy,
            csv_path.open("rb") as source,
        ):
            while chunk := source.read(COPY_CHUNK):
                copy.write(chunk)
