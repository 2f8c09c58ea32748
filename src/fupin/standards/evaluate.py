"""One household through the same rule trees, in Python, with the values that decided each verdict.

SQL's three-valued logic is followed exactly (NULL comparisons are unknown, AND/OR are Kleene, a member
quantifier counts only members for whom the condition is true), so a household's page explains the very verdict
the set-wise statement stored.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlglot import exp

from fupin.standards.catalogue import lookup
from fupin.standards.expressions import Rule, quantifier_text

Row = Mapping[str, Any]


@dataclass(slots=True)
class Outcome:
    """A rule's result for one household: True met, False not met, None unknown (a needed value is missing)."""

    value: bool | None
    inputs: dict[str, Any] = field(default_factory=dict)  # household/income names read, with their values
    members: dict[str, list[int]] = field(default_factory=dict)  # quantifier text → positions of matching members


def age_at(birth: date | str | None, as_of: date) -> int | None:
    """Completed years at `as_of`; a member born after it has minus the completed years until the birth (so a baby
    born in the months after the reference date is 0), as the compiled SQL computes it."""
    if birth is None:
        return None
    born = date.fromisoformat(birth[:10]) if isinstance(birth, str) else birth
    if born > as_of:
        return -_completed_years(as_of, born)
    return _completed_years(born, as_of)


def _completed_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def evaluate(rule: Rule, *, household: Row, income: Row | None, members: Sequence[Row], as_of: date) -> Outcome:
    outcome = Outcome(None)
    run = _Run(household, income or {}, members, as_of, outcome)
    result = run.value(rule.tree, None)
    outcome.value = None if result is None else bool(result)
    return outcome


class _Run:
    def __init__(self, household: Row, income: Row, members: Sequence[Row], as_of: date, outcome: Outcome) -> None:
        self.household, self.income, self.members, self.as_of, self.outcome = household, income, members, as_of, outcome

    def value(self, node: exp.Expr, member: Row | None) -> Any:
        if isinstance(node, exp.Paren):
            return self.value(node.this, member)
        if isinstance(node, exp.Null):
            return None
        if isinstance(node, exp.Boolean):
            return bool(node.this)
        if isinstance(node, exp.Literal):
            return node.this if node.is_string else _number(node.this)
        if isinstance(node, exp.Column):
            return self._column(node.name, member)
        if isinstance(node, exp.And):
            return _and(self.value(node.this, member), lambda: self.value(node.expression, member))
        if isinstance(node, exp.Or):
            return _or(self.value(node.this, member), lambda: self.value(node.expression, member))
        if isinstance(node, exp.Not):
            inner = self.value(node.this, member)
            return None if inner is None else not inner
        if isinstance(node, exp.Is):
            return self.value(node.this, member) is None
        if isinstance(node, exp.In):
            return _in(self.value(node.this, member), [self.value(item, member) for item in node.expressions])
        if isinstance(node, exp.Between):
            subject = self.value(node.this, member)
            low, high = self.value(node.args["low"], member), self.value(node.args["high"], member)
            return _and(_compare(exp.GTE, subject, low), lambda: _compare(exp.LTE, subject, high))
        if isinstance(node, exp.EQ | exp.NEQ | exp.LT | exp.LTE | exp.GT | exp.GTE):
            return _compare(type(node), self.value(node.this, member), self.value(node.expression, member))
        if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div):
            return _arithmetic(type(node), self.value(node.this, member), self.value(node.expression, member))
        if isinstance(node, exp.Neg):
            inner = self.value(node.this, member)
            return None if inner is None else -inner
        if isinstance(node, exp.Coalesce):
            return next(
                (v for v in (self.value(p, member) for p in [node.this, *node.expressions]) if v is not None), None
            )
        if isinstance(node, exp.Anonymous):
            return self._quantifier(node)
        raise ValueError(f"unchecked node {node.sql()}")  # parse_rule refuses these before evaluation

    def _column(self, name: str, member: Row | None) -> Any:
        if member is not None:
            if name == "age":
                return age_at(member.get("birth_date"), self.as_of)
            return _normal(member.get(name), lookup(name, inside_member=True))
        spec = lookup(name, inside_member=False)
        source = self.income if spec is not None and spec.level == "income" else self.household
        found = _normal(source.get(name), spec)
        self.outcome.inputs[name] = found
        return found

    def _quantifier(self, node: exp.Anonymous) -> Any:
        kind, predicate = node.name.lower(), node.expressions[0]
        matching = [index for index, m in enumerate(self.members) if self.value(predicate, m) is True]
        self.outcome.members[quantifier_text(node)] = matching
        if kind == "any_member":
            return len(matching) > 0
        if kind == "all_members":
            return len(matching) == len(self.members)
        return len(matching)


def _normal(value: Any, spec: Any) -> Any:
    # SQLite hands booleans back as 0/1; the rules compare them as true/false.
    if spec is not None and spec.kind == "bool" and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and spec is not None and spec.kind == "date":
        return date.fromisoformat(value[:10])
    return value


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _and(left: Any, right: Callable[[], Any]) -> bool | None:
    return _kleene(left, right, dominant=False)


def _or(left: Any, right: Callable[[], Any]) -> bool | None:
    return _kleene(left, right, dominant=True)


def _kleene(left: Any, right: Callable[[], Any], *, dominant: bool) -> bool | None:
    """AND (dominant False) and OR (dominant True) of SQL's three-valued logic; the right side is lazy."""
    if left is dominant:
        return bool(dominant)
    other = right()
    if other is dominant:
        return bool(dominant)
    return None if left is None or other is None else not dominant


def _in(subject: Any, items: list[Any]) -> bool | None:
    if subject is None:
        return None
    if subject in [item for item in items if item is not None]:
        return True
    return None if any(item is None for item in items) else False


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
}


def _compare(kind: type, left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    return _COMPARE[kind](left, right)


def _arithmetic(kind: type, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    if kind is exp.Add:
        return left + right
    if kind is exp.Sub:
        return left - right
    if kind is exp.Mul:
        return left * right
    return None if right == 0 else left / right
