"""Several small reads in one statement: each part's rows in a UNION ALL, its columns beside the other parts'.

A household's page reads half a dozen small sets (members, incomes, assistance, cadres, its history, its verdicts).
Each statement of its own cost a round trip, SQLAlchemy's execution of it and PostgreSQL's per-statement work, which
together were more than reading the few rows. Here every part's columns get positions of their own, NULL (cast to the
column's type, so that the result keeps its types) in the other parts' rows; each row is tagged with its part and its
place in that part's order. The parts share their bind parameters by name.
"""

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    TextClause,
    func,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import SelectBase

Columns = ReadOnlyColumnCollection[str, Any]


@dataclass(frozen=True, slots=True)
class Part:
    """One set: `source`'s rows (a row type named `name`, with the source's column names as attributes) in the order
    `order` gives over the source's columns, at most `limit` of them."""

    name: str
    source: SelectBase
    order: Callable[[Columns], Sequence[ColumnElement[Any]]]
    limit: int | None = None


class SideBySide:
    """The statement that reads `parts` at once, and what splits its rows back into the parts' rows."""

    def __init__(self, *parts: Part) -> None:
        sources = [part.source.subquery(f"part{index}") for index, part in enumerate(parts)]
        layout = [(owner, column) for owner, source in enumerate(sources) for column in source.c]
        branches = []
        for index, (part, source) in enumerate(zip(parts, sources, strict=True)):
            cells = [
                (column if owner == index else null().cast(column.type)).label(f"c{position}")
                for position, (owner, column) in enumerate(layout)
            ]
            branch = select(
                literal_column(str(index), Integer).label("part"),
                func.row_number().over(order_by=part.order(source.c)).label("seq"),
                *cells,
            ).select_from(source)
            if part.limit is not None:  # LIMIT inside one branch of a UNION needs a subquery on SQLite
                numbered = branch.subquery(f"numbered{index}")
                branch = select(*numbered.c).where(numbered.c.seq <= part.limit)
            branches.append(branch)
        self.statement = union_all(*branches).order_by(text("part"), text("seq"))
        self._runnable = _Prebuilt(self.statement)
        self._rows: list[Any] = [
            namedtuple(part.name, [column.key for column in source.c])
            for part, source in zip(parts, sources, strict=True)
        ]
        self._cells = [
            _picker([2 + position for position, (owner, _) in enumerate(layout) if owner == index])
            for index in range(len(parts))
        ]

    def read(self, connection: Connection, parameters: dict[str, Any]) -> list[list[Any]]:
        """Each part's rows, in its order."""
        found: list[list[Any]] = [[] for _ in self._rows]
        rows, cells = self._rows, self._cells
        for row in connection.execute(self._runnable, parameters):
            part = row[0]
            found[part].append(rows[part]._make(cells[part](row)))
        return found


class _Prebuilt(TextClause):
    """`statement` under a cache key of a few elements.

    SQLAlchemy finds a statement's compiled form by the statement's cache key, which it hashes at every execution; a
    side-by-side statement's key holds thousands of elements (≈ 1 M instructions, a tenth of a household's page, to
    hash). This construct keeps the key of a short text naming it (SQLAlchemy's documented way for a subclass to
    take part in caching, `inherit_cache`) and compiles to the statement itself, its result columns typed as the
    statement's. The statement never changes after it is built, so its compiled form is the same at every run.
    """

    inherit_cache = True

    def __init__(self, statement: CompoundSelect[Any]) -> None:
        super().__init__(f"side by side #{next(_NUMBERS)}")  # unique for the process: the key of the compiled form
        self.statement = statement


_NUMBERS = count(1)


@compiles(_Prebuilt)
def _compile_prebuilt(element: _Prebuilt, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.statement, **kw)


def _picker(positions: list[int]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    if len(positions) == 1:  # itemgetter of one position gives the value, not a tuple of it
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)
