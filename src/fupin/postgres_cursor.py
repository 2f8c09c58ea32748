"""psycopg as the application uses it: a cursor whose `description` describes the columns when someone reads it, not
each time it is handed out, and converted queries kept however long they are.

SQLAlchemy takes `cursor.description` after every statement, and psycopg builds a `Column` per column each time
(name decoded, type looked up): ≈ 5 µs a column, ≈ 1.3 ms of a household's page with its 250 columns. Once a
statement has run, SQLAlchemy keeps what it learnt from the description with the compiled statement and reads it
no more; the columns are then never built.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

import psycopg
from psycopg import _queries, pq
from psycopg.adapt import AdaptersMap
from psycopg.rows import Row

# psycopg turns a query's %(name)s placeholders into $n with a regular expression and keeps the result only for
# queries up to 4 KiB; a longer one is converted again, and hashed twice, at every execution. The statements that read
# several parts of a page side by side (`fupin.side_by_side`) are built once, run on every request and are long (a
# household's page: some 60 KiB); converting one cost more than the rest of its execution on the client. The limit
# on the number of parameters (50), which keeps generated bulk statements out of the cache, stays as it is.
CACHED_QUERY_LENGTH = 256 * 1024
_queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, CACHED_QUERY_LENGTH)

_TUPLES = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class LazyDescriptionCursor(psycopg.Cursor[Row]):
    @property
    def description(self) -> "Description | None":  # type: ignore[override]
        result = self.pgresult
        # As psycopg: columns when the result has fields, and for a result of tuples without any ("SELECT ;").
        if result is None or not (result.nfields or result.status in _TUPLES):
            return None
        return Description(result, self)


@dataclass(slots=True)
class _Described:
    """What `psycopg.Column` reads of a cursor, taken from the result the description was handed out for."""

    pgresult: pq.abc.PGresult
    _encoding: str
    adapters: AdaptersMap


class Description(Sequence[psycopg.Column]):
    """The columns of one result, built on first use from that result (the cursor may have run another since)."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, result: pq.abc.PGresult, cursor: psycopg.Cursor[Any]) -> None:
        self._result, self._cursor = result, cursor
        self._columns: list[psycopg.Column] | None = None

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            source = _Described(self._result, self._cursor.connection.info.encoding, self._cursor.adapters)
            self._columns = [psycopg.Column(cast(Any, source), index) for index in range(self._result.nfields)]
        return self._columns

    def __len__(self) -> int:
        return self._result.nfields

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...
    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...
    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list's stand-in: unhashable, as a list is
