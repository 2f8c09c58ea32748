"""One household through the same rule trees, in Python, with the values that decided each verdict.

SQL's three-valued logic is followed exactly (NULL comparisons are unknown, AND/OR are Kleene, a member
quantifier counts only members for whom the condition is true), so a household's page explains the very verdict
the set-wise statement stored.
"""

import operator
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
    result = _evaluator(rule.tree)(run, None)
    outcome.value = None if result is None else bool(result)
    return outcome


@dataclass(slots=True)
class _Run:
    household: Row
    income: Row
    members: Sequence[Row]
    as_of: date
    outcome: Outcome


# A node turned into a function of the household being explained and, inside a quantifier, the member at hand.
Evaluator = Callable[[_Run, Row | None], Any]
_EVALUATOR = "fupin_evaluator"  # a checked tree's evaluator, in its root's meta


def _evaluator(tree: exp.Expr) -> Evaluator:
    """The tree's evaluator, built on first use and kept with the tree: each household page explains the same
    few rules, and walking their trees node type by node type was the larger part of the explanation's cost."""
    found: Evaluator | None = tree.meta.get(_EVALUATOR)
    if found is None:
        found = tree.meta[_EVALUATOR] = _compile(tree)
    return found


def _compile(node: exp.Expr) -> Evaluator:
    if isinstance(node, exp.Paren):
        return _compile(node.this)
    if isinstance(node, exp.Null | exp.Boolean | exp.Literal):
        return _constant(node)
    if isinstance(node, exp.Column):
        return _column(node.name)
    if isinstance(node, exp.And | exp.Or):
        return _logical(node)
    if isinstance(node, exp.Not):
        return _negation(_compile(node.this))
    if isinstance(node, exp.Is):
        subject = _compile(node.this)
        return lambda run, member: subject(run, member) is None
    if isinstance(node, exp.In):
        return _membership(_compile(node.this), [_compile(item) for item in node.expressions])
    if isinstance(node, exp.Between):
        return _between(_compile(node.this), _compile(node.args["low"]), _compile(node.args["high"]))
    if isinstance(node, exp.EQ | exp.NEQ | exp.LT | exp.LTE | exp.GT | exp.GTE):
        return _comparison(_COMPARE[type(node)], _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div):
        return _arithmetic(type(node), _compile(node.this), _compile(node.expression))
    if isinstance(node, exp.Neg):
        return _negative(_compile(node.this))
    if isinstance(node, exp.Coalesce):
        return _first_known([_compile(part) for part in [node.this, *node.expressions]])
    if isinstance(node, exp.Anonymous):
        return _quantifier(node)
    raise ValueError(f"unchecked node {node.sql()}")  # parse_rule refuses these before evaluation


def _constant(node: exp.Null | exp.Boolean | exp.Literal) -> Evaluator:
    value: Any = None
    if isinstance(node, exp.Boolean):
        value = bool(node.this)
    elif isinstance(node, exp.Literal):
        value = node.this if node.is_string else _number(node.this)
    return lambda run, member: value


def _column(name: str) -> Evaluator:
    """A name's value: the member's inside a quantifier, else the household's or the income's (recorded as an
    input that decided the verdict)."""
    member_spec, outer_spec = lookup(name, inside_member=True), lookup(name, inside_member=False)
    from_income = outer_spec is not None and outer_spec.level == "income"

    def value(run: _Run, member: Row | None) -> Any:
        if member is not None:
            if name == "age":
                return age_at(member.get("birth_date"), run.as_of)
            return _normal(member.get(name), member_spec)
        found = _normal((run.income if from_income else run.household).get(name), outer_spec)
        run.outcome.inputs[name] = found
        return found

    return value


def _logical(node: exp.And | exp.Or) -> Evaluator:
    """AND and OR of SQL's three-valued logic (Kleene); the right side is evaluated only when it can matter."""
    left, right = _compile(node.this), _compile(node.expression)
    dominant = isinstance(node, exp.Or)  # OR is decided by a true side, AND by a false one

    def value(run: _Run, member: Row | None) -> Any:
        first = left(run, member)
        if first is dominant:
            return dominant
        other = right(run, member)
        if other is dominant:
            return dominant
        return None if first is None or other is None else not dominant

    return value


def _negation(inner: Evaluator) -> Evaluator:
    def value(run: _Run, member: Row | None) -> bool | None:
        found = inner(run, member)
        return None if found is None else not found

    return value


def _membership(subject: Evaluator, items: list[Evaluator]) -> Evaluator:
    def value(run: _Run, member: Row | None) -> bool | None:
        return _in(subject(run, member), [item(run, member) for item in items])

    return value


def _between(subject: Evaluator, low: Evaluator, high: Evaluator) -> Evaluator:
    def value(run: _Run, member: Row | None) -> bool | None:
        found, bottom, top = subject(run, member), low(run, member), high(run, member)
        above, below = _compare(operator.ge, found, bottom), _compare(operator.le, found, top)
        if above is False or below is False:
            return False
        return None if above is None or below is None else True

    return value


def _comparison(compare: Callable[[Any, Any], bool], left: Evaluator, right: Evaluator) -> Evaluator:
    return lambda run, member: _compare(compare, left(run, member), right(run, member))


def _negative(inner: Evaluator) -> Evaluator:
    def value(run: _Run, member: Row | None) -> Any:
        found = inner(run, member)
        return None if found is None else -found

    return value


def _first_known(parts: list[Evaluator]) -> Evaluator:
    return lambda run, member: next((v for v in (part(run, member) for part in parts) if v is not None), None)


def _quantifier(node: exp.Anonymous) -> Evaluator:
    """any_member / all_members / count_members: the members for whom the condition is true (not unknown)."""
    kind, predicate, text = node.name.lower(), _compile(node.expressions[0]), quantifier_text(node)

    def value(run: _Run, member: Row | None) -> Any:
        matching = [index for index, m in enumerate(run.members) if predicate(run, m) is True]
        run.outcome.members[text] = matching
        if kind == "any_member":
            return len(matching) > 0
        if kind == "all_members":
            return len(matching) == len(run.members)
        return len(matching)

    return value


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


def _in(subject: Any, items: list[Any]) -> bool | None:
    if subject is None:
        return None
    if subject in [item for item in items if item is not None]:
        return True
    return None if any(item is None for item in items) else False


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    exp.EQ: operator.eq,
    exp.NEQ: operator.ne,
    exp.LT: operator.lt,
    exp.LTE: operator.le,
    exp.GT: operator.gt,
    exp.GTE: operator.ge,
}


def _compare(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    return compare(left, right)


def _arithmetic(kind: type, left: Evaluator, right: Evaluator) -> Evaluator:
    def value(run: _Run, member: Row | None) -> Any:
        first, second = left(run, member), right(run, member)
        if first is None or second is None:
            return None
        if kind is exp.Add:
            return first + second
        if kind is exp.Sub:
            return first - second
        if kind is exp.Mul:
            return first * second
        return None if second == 0 else first / second

    return value
