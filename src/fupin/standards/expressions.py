"""Indicator rules in a small, safe expression form, parsed and checked once.

A rule is an SQL-like boolean expression over the names of `catalogue.py`, e.g.
``house_safety_grade IN ('A', 'B') OR relocated`` or
``NOT any_member(age BETWEEN :school_age_min AND :school_age_max AND school_status IS NULL)``.
Only the node types listed here are accepted, so a rule can neither read other tables nor call functions; the
same checked tree is compiled to SQL for whole counties (`compile.py`) and evaluated for one household with the
values that decided it (`evaluate.py`).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from fupin.errors import FupinError, Location, Problem
from fupin.registry.codelists import CodeList
from fupin.standards.catalogue import ValueKind, lookup

QUANTIFIERS = {"any_member": "bool", "all_members": "bool", "count_members": "number"}
Parameter = bool | int | float | str
COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)
ORDERING = (exp.LT, exp.LTE, exp.GT, exp.GTE)
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div)
QUANTIFIER_TEXT = "fupin_text"  # a checked quantifier's own SQL text, in its node's meta


@dataclass(frozen=True, slots=True)
class Rule:
    """A checked rule: its code (for messages and result columns), the text as written, the tree with parameters."""

    code: str
    source: str
    tree: exp.Expr


def parse_rule(
    code: str,
    source: str,
    *,
    parameters: Mapping[str, Parameter] | None = None,
    lists: Mapping[str, CodeList] | None = None,
) -> Rule:
    """Parse and check a rule; raise FupinError with a Chinese explanation of the first thing wrong.

    Checked rules are kept by everything they depend on: every household page explains the same few rules, and
    parsing and checking them is most of that section's cost. Nothing changes a rule's tree after this (compiling
    and evaluating work on copies or only read it).
    """
    given = parameters or {}
    key = (code, source, tuple(sorted(given.items())), _lists_key(lists or {}))
    found = _CHECKED.get(key)
    if found is None:
        found = _parse_and_check(code, source, given, lists or {})
        if len(_CHECKED) >= MAX_CHECKED:
            _CHECKED.clear()
        _CHECKED[key] = found
    return found


MAX_CHECKED = 1024
_CHECKED: dict[tuple[object, ...], Rule] = {}


def _lists_key(lists: Mapping[str, CodeList]) -> tuple[object, ...]:
    return tuple((name, item.values, tuple(sorted(item.synonyms.items()))) for name, item in sorted(lists.items()))


def _parse_and_check(
    code: str, source: str, parameters: Mapping[str, Parameter], lists: Mapping[str, CodeList]
) -> Rule:
    try:
        tree = sqlglot.parse_one(source, read="duckdb")
    except ParseError as error:
        raise _error(code, source, "rule-syntax", f"规则无法解析：{error.errors[0]['description']}") from error
    tree = _substitute(code, source, tree, parameters)
    checker = _Checker(code, source, lists)
    if checker.kind(tree, inside_member=False) != "bool":
        raise _error(code, source, "rule-type", "规则的结果必须是「是/否」（条件表达式）")
    for quantifier in tree.find_all(exp.Anonymous):
        quantifier.meta[QUANTIFIER_TEXT] = quantifier.sql(dialect="duckdb")
    return Rule(code, source, tree)


def quantifier_text(node: exp.Anonymous) -> str:
    """A member condition as the explanation names it, written once when the rule was checked (writing SQL text
    was a tenth of a household page)."""
    text = node.meta.get(QUANTIFIER_TEXT)
    return text if isinstance(text, str) else node.sql(dialect="duckdb")


def _error(code: str, source: str, slug: str, message: str) -> FupinError:
    return FupinError(
        Problem(slug, message, Location(field=code), source, "由字段、常量、比较和 AND/OR/NOT 组成的条件表达式")
    )


def _substitute(code: str, source: str, tree: exp.Expr, parameters: Mapping[str, Parameter]) -> exp.Expr:
    def replace(node: exp.Expr) -> exp.Expr:
        if not isinstance(node, exp.Placeholder):
            return node
        name = node.name
        if name not in parameters:
            raise _error(code, source, "rule-parameter", f"规则使用的参数 :{name} 没有取值")
        return _literal(parameters[name])

    return tree.transform(replace)


def _literal(value: Parameter) -> exp.Expr:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(value)


class _Checker:
    """Infers the kind of every node and refuses anything outside the small language."""

    def __init__(self, code: str, source: str, lists: Mapping[str, CodeList]) -> None:
        self.code, self.source, self.lists = code, source, lists

    def fail(self, slug: str, message: str) -> FupinError:
        return _error(self.code, self.source, slug, message)

    def kind(self, node: exp.Expr, *, inside_member: bool) -> ValueKind | None:
        """The kind of value a node yields; None for NULL, which fits any kind."""
        if isinstance(node, exp.Paren):
            return self.kind(node.this, inside_member=inside_member)
        if isinstance(node, exp.Null):
            return None
        if isinstance(node, exp.Boolean):
            return "bool"
        if isinstance(node, exp.Literal):
            return "text" if node.is_string else "number"
        if isinstance(node, exp.Column):
            return self._column(node, inside_member)
        if isinstance(node, exp.And | exp.Or):
            self._expect(node.this, "bool", inside_member)
            self._expect(node.expression, "bool", inside_member)
            return "bool"
        if isinstance(node, exp.Not):
            self._expect(node.this, "bool", inside_member)
            return "bool"
        if isinstance(node, COMPARISONS):
            return self._comparison(node, inside_member)
        if isinstance(node, exp.Is):
            if not isinstance(node.expression, exp.Null):
                raise self.fail("rule-not-allowed", "IS 只能用于 IS NULL 或 IS NOT NULL")
            self.kind(node.this, inside_member=inside_member)
            return "bool"
        if isinstance(node, exp.In):
            return self._in(node, inside_member)
        if isinstance(node, exp.Between):
            return self._between(node, inside_member)
        if isinstance(node, ARITHMETIC):
            self._expect(node.this, "number", inside_member)
            self._expect(node.expression, "number", inside_member)
            return "number"
        if isinstance(node, exp.Neg):
            self._expect(node.this, "number", inside_member)
            return "number"
        if isinstance(node, exp.Coalesce):
            return self._coalesce(node, inside_member)
        if isinstance(node, exp.Anonymous) and node.name.lower() in QUANTIFIERS:
            return self._quantifier(node, inside_member)
        raise self.fail("rule-not-allowed", f"规则中不允许使用「{node.sql(dialect='duckdb')[:40]}」")

    def _expect(self, node: exp.Expr, wanted: ValueKind, inside_member: bool) -> None:
        found = self.kind(node, inside_member=inside_member)
        if found not in (None, wanted):
            names = {"bool": "是/否条件", "number": "数值", "text": "文字", "date": "日期"}
            raise self.fail(
                "rule-type", f"「{node.sql(dialect='duckdb')[:40]}」是{names[found]}，此处需要{names[wanted]}"
            )

    def _column(self, node: exp.Column, inside_member: bool) -> ValueKind:
        if node.table:
            raise self.fail("rule-not-allowed", f"字段名「{node.sql()}」不能带表名")
        name = lookup(node.name, inside_member=inside_member)
        if name is None:
            where = (
                "成员条件（any_member 等）内"
                if inside_member
                else "户级条件中（成员字段须写在 any_member(...) 等之内）"
            )
            raise self.fail("rule-unknown-name", f"{where}没有名为「{node.name}」的字段")
        return name.kind

    def _comparison(self, node: exp.Expr, inside_member: bool) -> ValueKind:
        left = self.kind(node.this, inside_member=inside_member)
        right = self.kind(node.expression, inside_member=inside_member)
        if left is not None and right is not None and left != right:
            raise self.fail("rule-type", f"「{node.sql(dialect='duckdb')[:60]}」两边的类型不同，不能比较")
        if isinstance(node, ORDERING) and (left or right) in ("text", "bool"):
            raise self.fail("rule-type", f"「{node.sql(dialect='duckdb')[:60]}」：文字和是/否值只能比较相等或不等")
        self._check_codes(node.this, [node.expression], inside_member)
        self._check_codes(node.expression, [node.this], inside_member)
        return "bool"

    def _in(self, node: exp.In, inside_member: bool) -> ValueKind:
        if node.args.get("query") is not None or node.args.get("unnest") is not None:
            raise self.fail("rule-not-allowed", "IN 之后只能是常量列表")
        left = self.kind(node.this, inside_member=inside_member)
        for item in node.expressions:
            if not isinstance(item, exp.Literal | exp.Boolean | exp.Null):
                raise self.fail("rule-not-allowed", "IN 之后只能是常量列表")
            if left is not None and self.kind(item, inside_member=inside_member) not in (None, left):
                raise self.fail("rule-type", f"「{node.sql(dialect='duckdb')[:60]}」：列表中的值与字段类型不同")
        self._check_codes(node.this, node.expressions, inside_member)
        return "bool"

    def _between(self, node: exp.Between, inside_member: bool) -> ValueKind:
        kinds = {self.kind(node.args[part], inside_member=inside_member) for part in ("this", "low", "high")}
        kinds.discard(None)
        if len(kinds) > 1 or kinds - {"number", "date"}:
            raise self.fail("rule-type", f"「{node.sql(dialect='duckdb')[:60]}」：BETWEEN 只用于同类的数值或日期")
        return "bool"

    def _coalesce(self, node: exp.Coalesce, inside_member: bool) -> ValueKind | None:
        kinds = {self.kind(part, inside_member=inside_member) for part in [node.this, *node.expressions]} - {None}
        if len(kinds) > 1:
            raise self.fail("rule-type", "coalesce 的各项类型必须相同")
        return next(iter(kinds), None)

    def _quantifier(self, node: exp.Anonymous, inside_member: bool) -> ValueKind:
        name = node.name.lower()
        if inside_member:
            raise self.fail("rule-not-allowed", f"{name}(...) 不能嵌套在另一个成员条件之内")
        if len(node.expressions) != 1:
            raise self.fail("rule-not-allowed", f"{name}(...) 需要恰好一个成员条件")
        self._expect(node.expressions[0], "bool", True)
        return "number" if name == "count_members" else "bool"

    def _check_codes(self, field: exp.Expr, values: list[exp.Expr], inside_member: bool) -> None:
        """A code-list field compared with a text that is not one of its values is a mistake, not a rule."""
        if not isinstance(field, exp.Column):
            return
        name = lookup(field.name, inside_member=inside_member)
        codelist = self.lists.get(name.codelist) if name is not None and name.codelist else None
        if codelist is None:
            return
        for value in values:
            if isinstance(value, exp.Literal) and value.is_string and value.this not in codelist.values:
                label = name.label if name else field.name
                raise self.fail(
                    "rule-bad-code", f"「{value.this}」不是「{label}」的代码值（可选：{codelist.describe()}）"
                )
