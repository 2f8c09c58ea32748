"""The one choke point for data scope: a user's view and capture division-code prefixes."""

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, false
from sqlalchemy.orm import QueryableAttribute

from fupin.divisions.codes import prefix_range

S = TypeVar("S", bound=Select)  # type: ignore[type-arg]
Column = ColumnElement[str] | QueryableAttribute[str]


@dataclass(frozen=True, slots=True)
class Scope:
    """View and capture prefixes; the empty prefix means the whole country, None means nothing."""

    view_prefix: str | None
    capture_prefix: str | None = None

    @classmethod
    def everything(cls) -> "Scope":
        return cls(view_prefix="", capture_prefix="")

    @classmethod
    def of(cls, prefix: str, *, can_capture: bool = True) -> "Scope":
        return cls(view_prefix=prefix, capture_prefix=prefix if can_capture else None)

    def covers(self, code: str) -> bool:
        return self.view_prefix is not None and code.startswith(self.view_prefix)

    def can_capture(self, code: str) -> bool:
        return self.capture_prefix is not None and code.startswith(self.capture_prefix)

    def condition(self, column: Column, *, capture: bool = False, named: bool = False) -> ColumnElement[bool]:
        """The WHERE condition that keeps only rows whose division code lies in the scope.

        `named` writes the range as the parameters `bounds()` names, for a statement built once and run for many
        users with their own bounds (the household list's page statement).
        """
        chosen = self.capture_prefix if capture else self.view_prefix
        if chosen is None:
            return false()
        if named:
            (low_name, low), (high_name, high) = self.bounds(capture=capture).items()
            return and_(column >= bindparam(low_name, low), column < bindparam(high_name, high))
        low, high = prefix_range(chosen)
        return and_(column >= low, column < high)

    def bounds(self, *, capture: bool = False) -> dict[str, str]:
        """The named parameters of `condition(..., named=True)` with this scope's values (none for no scope)."""
        chosen = self.capture_prefix if capture else self.view_prefix
        if chosen is None:
            return {}
        kind = "capture" if capture else "view"
        low, high = prefix_range(chosen)
        return {f"scope_{kind}_low": low, f"scope_{kind}_high": high}

    def contains_prefix(self, column: Column) -> ColumnElement[bool]:
        """The WHERE condition for rows that hold a prefix of their own (a user's scope) inside this view scope."""
        if self.view_prefix is None:
            return false()
        return column.startswith(self.view_prefix, autoescape=True)

    def apply(self, statement: S, column: Column, *, capture: bool = False, named: bool = False) -> S:
        return statement.where(self.condition(column, capture=capture, named=named))
