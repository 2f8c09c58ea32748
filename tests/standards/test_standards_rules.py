"""Indicator rules: what the parser refuses, known answers explained in Python, and the same verdicts in SQL."""

from datetime import date
from typing import Any

import duckdb
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fupin.engine.base import fetch_columns
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.registry.models import Household, Income, Member
from fupin.standards.compile import age_expression, compile_rules
from fupin.standards.evaluate import age_at, evaluate
from fupin.standards.expressions import Rule, parse_rule
from tests.factories.households import make_household

LISTS = codelists.load(None)
AS_OF = date(2020, 12, 31)
SCHOOL = "NOT any_member(age BETWEEN :school_age_min AND :school_age_max AND school_status IS NULL)"
RULES = {
    "income": ("per_capita_net_income > :exit_line", {"exit_line": 4000}),
    "education": (SCHOOL, {"school_age_min": 6, "school_age_max": 15}),
    "medical": ("all_members(ins_resident_medical OR ins_employee_medical)", {}),
    "housing": ("house_safety_grade IN ('A', 'B') OR relocated", {}),
    "water": ("water_safe AND NOT coalesce(water_difficult, false)", {}),
    "working": ("count_members(age BETWEEN 16 AND 59 AND work_months >= 6) * 1.0 / 2 >= 0.5", {}),
}


def rules() -> list[Rule]:
    return [parse_rule(code, source, parameters=params, lists=LISTS) for code, (source, params) in RULES.items()]


def child(birth: date, **fields: Any) -> dict[str, Any]:
    return {"relation": "之子", "birth_date": birth, "ins_resident_medical": True, **fields}


HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True, "work_months": 10}


@pytest.mark.parametrize(
    ("source", "slug"),
    [
        ("house_safety_grade IN ('A', 'B'", "rule-syntax"),
        ("house_grade = 'A'", "rule-unknown-name"),
        ("age > 6", "rule-unknown-name"),  # a member name outside any_member(...)
        ("house_safety_grade = 'E'", "rule-bad-code"),
        ("house_safety_grade > 'A'", "rule-type"),
        ("per_capita_net_income > 'x'", "rule-type"),
        ("per_capita_net_income", "rule-type"),
        ("lower(house_safety_grade) = 'a'", "rule-not-allowed"),
        ("household_id IN (SELECT id FROM accounts_user)", "rule-not-allowed"),
        ("per_capita_net_income IN (SELECT 1)", "rule-not-allowed"),
        ("any_member(any_member(age > 1))", "rule-not-allowed"),
        ("per_capita_net_income > :line", "rule-parameter"),
        ("h.relocated", "rule-not-allowed"),
    ],
)
def test_parser_refuses_what_is_outside_the_language(source: str, slug: str) -> None:
    with pytest.raises(FupinError) as caught:
        parse_rule("r", source, lists=LISTS)
    problem = caught.value.problems[0]
    assert problem.slug == slug
    assert problem.location.field == "r"
    assert problem.value == source
    assert problem.message


def test_age_is_completed_years_at_the_reference_date() -> None:
    assert age_at(date(2010, 12, 31), AS_OF) == 10
    assert age_at(date(2011, 1, 1), AS_OF) == 9
    assert age_at("2004-12-31", AS_OF) == 16
    assert age_at(None, AS_OF) is None


BIRTHS = (date(2010, 12, 31), date(2011, 1, 1), date(2008, 2, 29), date(1950, 3, 1), date(2021, 6, 1), date(2022, 3, 1))


def test_age_in_sql_is_the_age_in_python_on_every_dialect(session: Session) -> None:
    """Leap days and members born after the reference date (a 2020 assessment run with 2021 births registered)."""
    dialect = {"sqlite": "sqlite", "postgresql": "postgres"}[session.get_bind().dialect.name]
    duck = duckdb.connect()
    for born in BIRTHS:
        expected = age_at(born, AS_OF)
        in_database = age_expression(f"'{born.isoformat()}'", AS_OF, dialect).sql(dialect=dialect)
        assert session.execute(text(f"SELECT {in_database}")).scalar() == expected, born
        in_duckdb = age_expression(f"CAST('{born.isoformat()}' AS DATE)", AS_OF, "duckdb").sql(dialect="duckdb")
        assert duck.execute(f"SELECT {in_duckdb}").fetchone() == (expected,), born
    assert [age_at(born, AS_OF) for born in BIRTHS] == [10, 9, 12, 70, 0, -1]


def test_known_household_verdicts_with_the_values_that_decided_them() -> None:
    parsed = {rule.code: rule for rule in rules()}
    household = {"house_safety_grade": "C", "relocated": 1, "water_safe": 0, "water_difficult": None}
    members = [HEAD, child(date(2008, 5, 1), school_status=None), child(date(2012, 5, 1), school_status="小学")]
    income = {"per_capita_net_income": 4200.0}

    def run(code: str) -> Any:
        return evaluate(parsed[code], household=household, income=income, members=members, as_of=AS_OF)

    assert run("income").value is True
    assert run("income").inputs == {"per_capita_net_income": 4200.0}
    education = run("education")
    assert education.value is False  # the 12-year-old is not in school
    assert list(education.members.values()) == [[1]]
    assert run("medical").value is True
    housing = run("housing")
    assert housing.value is True
    assert housing.inputs == {"house_safety_grade": "C", "relocated": True}
    water = run("water")
    assert water.value is False
    assert water.inputs["water_safe"] is False
    assert run("working").value is True  # one of two counted adults works 6+ months: 1/2 >= 0.5


def test_missing_values_make_a_verdict_unknown_not_met() -> None:
    parsed = {rule.code: rule for rule in rules()}
    outcome = evaluate(parsed["income"], household={}, income=None, members=[HEAD], as_of=AS_OF)
    assert outcome.value is None
    water = evaluate(parsed["water"], household={"water_safe": None}, income=None, members=[], as_of=AS_OF)
    assert water.value is None
    dry = evaluate(parsed["water"], household={"water_safe": False}, income=None, members=[], as_of=AS_OF)
    assert dry.value is False  # false AND unknown is false


def _sample_households(session: Session) -> list[int]:
    """Households that exercise every branch: met, not met and unknown for each rule."""
    specs: list[dict[str, Any]] = [
        {"house_safety_grade": "A", "water_safe": True, "income": {"per_capita_net_income": 5000.0}},
        {"house_safety_grade": "D", "relocated": False, "water_safe": True, "water_difficult": True},
        {"house_safety_grade": "C", "relocated": True, "income": {"per_capita_net_income": 4000.0}},
        {"house_safety_grade": None, "relocated": None, "water_safe": False, "income": {"per_capita_net_income": None}},
    ]
    children = [
        [child(date(2008, 5, 1), school_status="七年级")],
        [child(date(2008, 5, 1), school_status=None, ins_resident_medical=None)],
        [child(date(2005, 1, 1), school_status=None), child(date(2015, 1, 1), school_status=None)],
        [child(date(2014, 12, 31), school_status=None, ins_employee_medical=True, ins_resident_medical=False)],
    ]
    ids = []
    for spec, kids in zip(specs, children, strict=True):
        income = spec.pop("income", None)
        ids.append(make_household(session, members=[HEAD, *kids], income=income, **spec).id)
    return ids


def _python_verdicts(session: Session, ids: list[int], parsed: list[Rule]) -> dict[int, dict[str, int | None]]:
    verdicts = {}
    for household in session.scalars(select(Household).where(Household.id.in_(ids))):
        values = {c.key: getattr(household, c.key) for c in Household.__table__.columns}
        income_row = session.scalars(select(Income).where(Income.household_id == household.id)).first()
        income = {c.key: getattr(income_row, c.key) for c in Income.__table__.columns} if income_row else None
        members = [
            {c.key: getattr(m, c.key) for c in Member.__table__.columns}
            for m in session.scalars(select(Member).where(Member.household_id == household.id).order_by(Member.id))
        ]
        verdicts[household.id] = {
            rule.code: _as_int(evaluate(rule, household=values, income=income, members=members, as_of=AS_OF).value)
            for rule in parsed
        }
    return verdicts


def _as_int(value: bool | None) -> int | None:
    return None if value is None else int(value)


def test_sql_on_the_database_and_duckdb_agree_with_python(session: Session) -> None:
    parsed = rules()
    ids = _sample_households(session)
    expected = _python_verdicts(session, ids, parsed)
    dialect = {"sqlite": "sqlite", "postgresql": "postgres"}[session.get_bind().dialect.name]
    where = "h.id IN (" + ", ".join(str(i) for i in ids) + ")"
    sql = compile_rules(parsed, dialect=dialect, as_of=AS_OF, year=2020, where=where)
    rows = session.execute(text(sql)).mappings().all()
    in_database = {row["household_id"]: {r.code: row[r.code] for r in parsed} for row in rows}
    assert in_database == expected

    duck = duckdb.connect()
    for model in (Household, Member, Income):
        table = fetch_columns(session, select(*model.__table__.columns))
        duck.register(model.__tablename__, table)
    duck_sql = compile_rules(parsed, dialect="duckdb", as_of=AS_OF, year=2020, where=where)
    names = [d[0] for d in duck.execute(duck_sql).description]
    in_duckdb = {row[0]: {code: row[names.index(code)] for code in RULES} for row in duck.execute(duck_sql).fetchall()}
    assert in_duckdb == expected
    # The sample covers every outcome of the main rules, so agreement is not agreement on a constant.
    assert {v["education"] for v in expected.values()} == {0, 1}
    assert {v["income"] for v in expected.values()} == {0, 1, None}
    assert {v["water"] for v in expected.values()} == {0, 1, None}
    assert {v["housing"] for v in expected.values()} == {0, 1, None}
