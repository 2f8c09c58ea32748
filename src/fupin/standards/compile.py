"""Rules compiled to one SQL statement that evaluates every household of a scope set-wise.

Member quantifiers become sums in a single GROUP BY over the members (one pass, whatever the number of rules);
household and income names become columns of the household row and its income row for the year. The statement is
built once in DuckDB's dialect and transpiled by SQLGlot to SQLite, PostgreSQL, DuckDB or Spark.
"""

from collections.abc import Sequence
from datetime import date

import sqlglot
from sqlglot import exp

from fupin.standards.catalogue import lookup
from fupin.standards.expressions import Rule

DIALECTS = ("sqlite", "postgres", "duckdb", "spark")


def age_expression(birth: str, as_of: date, dialect: str) -> exp.Expr:
    """Completed years at `as_of`: (yyyymmdd(as_of) − yyyymmdd(birth)) in whole multiples of 10000.

    PostgreSQL has no cheap date-to-digits function (TO_CHAR, twice per member, was a third of a run's evaluation):
    there `AGE` gives the same completed years at half the cost.
    """
    if dialect == "postgres":
        years = f"EXTRACT(YEAR FROM AGE(CAST('{as_of.isoformat()}' AS DATE), {birth}))"
        return sqlglot.parse_one(f"CAST({years} AS INT)", read="postgres")
    reference = as_of.year * 10000 + as_of.month * 100 + as_of.day
    digits = f"({reference} - CAST(STRFTIME('%Y%m%d', {birth}) AS INTEGER))"
    return sqlglot.parse_one(f"(({digits} - ({digits} % 10000)) / 10000)", read="sqlite")


class _Compiler:
    def __init__(self, as_of: date, dialect: str) -> None:
        self.as_of, self.dialect = as_of, dialect
        self.terms: list[exp.Expr] = []

    def outer(self, tree: exp.Expr) -> exp.Expr:
        return _safe_divisions(tree.copy().transform(self._outer_node))

    def _outer_node(self, node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            name = lookup(node.name, inside_member=False)
            table = "i" if name is not None and name.level == "income" else "h"
            return exp.column(node.name, table=table)
        if isinstance(node, exp.Anonymous):
            return self._quantifier(node)
        return node

    def _quantifier(self, node: exp.Anonymous) -> exp.Expr:
        kind = node.name.lower()
        predicate = _safe_divisions(node.expressions[0].copy().transform(self._member_node))
        hit, miss = ("0", "1") if kind == "all_members" else ("1", "0")
        term = f"q{len(self.terms)}"
        case = exp.Case(ifs=[exp.If(this=predicate, true=exp.Literal.number(hit))], default=exp.Literal.number(miss))
        self.terms.append(exp.alias_(exp.Sum(this=case), term))
        counted = exp.Coalesce(this=exp.column(term, table="q"), expressions=[exp.Literal.number(0)])
        if kind == "any_member":
            return exp.GT(this=counted, expression=exp.Literal.number(0))
        if kind == "all_members":
            return exp.EQ(this=counted, expression=exp.Literal.number(0))
        return counted

    def _member_node(self, node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column):
            if node.name == "age":
                return exp.Paren(this=age_expression("m.birth_date", self.as_of, self.dialect))
            return exp.column(node.name, table="m")
        return node


def _safe_divisions(tree: exp.Expr) -> exp.Expr:
    """PostgreSQL raises on division by zero where SQLite and DuckDB give NULL: make all of them give NULL."""
    for division in list(tree.find_all(exp.Div)):
        divisor = division.expression
        division.set("expression", exp.Nullif(this=divisor.copy(), expression=exp.Literal.number(0)))
    return tree


def compile_rules(
    rules: Sequence[Rule],
    *,
    dialect: str,
    as_of: date,
    year: int,
    where: str = "",
    with_inputs: bool = False,
) -> str:
    """SELECT household_id, division_code and one column per rule (1 met, 0 not met, NULL unknown).

    `where` is an extra condition on `h` (the scope range, with bound parameters), appended after transpiling.
    `with_inputs` adds the year's per-capita net income and the number of live members.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect}")
    compiler = _Compiler(as_of, dialect)
    columns = [exp.alias_(exp.column("id", table="h"), "household_id"), exp.column("division_code", table="h")]
    for rule in rules:
        condition = compiler.outer(rule.tree)
        verdict = exp.Case(
            ifs=[
                exp.If(this=exp.Paren(this=condition), true=exp.Literal.number(1)),
                exp.If(this=exp.Not(this=exp.Paren(this=condition.copy())), true=exp.Literal.number(0)),
            ]
        )
        columns.append(exp.alias_(verdict, rule.code, quoted=True))
    if with_inputs:
        compiler.terms.append(exp.alias_(exp.Count(this=exp.Star()), "member_count"))
        columns.append(exp.alias_(exp.column("per_capita_net_income", table="i"), "per_capita_net_income"))
        count = exp.Coalesce(this=exp.column("member_count", table="q"), expressions=[exp.Literal.number(0)])
        columns.append(exp.alias_(count, "member_count"))
    select = (
        exp.select(*columns)
        .from_("registry_household AS h")
        .join(
            "registry_income AS i",
            on=f"i.household_id = h.id AND i.year = {int(year)} AND i.deleted_at IS NULL",
            join_type="left",
        )
        .where("h.deleted_at IS NULL")
    )
    if compiler.terms:
        members = (
            exp.select(exp.column("household_id", table="m"), *compiler.terms)
            .from_("registry_member AS m")
            .where("m.deleted_at IS NULL")
            .group_by("m.household_id")
        )
        select = select.join(members.subquery("q"), on="q.household_id = h.id", join_type="left")
    sql = select.sql(dialect=dialect)
    return f"{sql} AND ({where})" if where else sql
