"""SQLite receives bulk rows through sqlean's vsv CSV virtual table, on the session's own connection."""

from collections.abc import Sequence
from itertools import count
from pathlib import Path

from sqlalchemy.orm import Session

from fupin.engine.duck import quote

_names = count()


class SqliteStore:
    def load_csv(self, session: Session, table: str, columns: Sequence[str], csv_path: Path) -> None:
        connection = session.connection()
        source = f"fupin_bulk_{next(_names)}"
        path = csv_path.as_posix().replace("'", "''")
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE temp.{source} USING vsv(filename='{path}', header=no, "
            f"columns={len(columns)}, affinity=none, nulls=on)"
        )
        try:
            target = ", ".join(quote(column) for column in columns)
            connection.exec_driver_sql(f"INSERT INTO {quote(table)} ({target}) SELECT * FROM temp.{source}")
        finally:
            connection.exec_driver_sql(f"DROP TABLE temp.{source}")
