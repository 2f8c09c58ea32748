import csv
import random
from datetime import date
from pathlib import Path

import duckdb
import pytest

from fupin.registry import idnumber

TODAY = date(2026, 11, 23)


def examples(data: Path) -> list[dict[str, str]]:
    with (data / "idcard_examples.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_python_rules_agree_with_every_reference_example(data: Path) -> None:
    for example in examples(data):
        verdict = idnumber.problem(example["id_number"], today=TODAY) is None
        assert verdict == (example["valid"] == "true"), example


def sql_slugs(numbers: list[str], id_type: str = "居民身份证") -> list[str | None]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n VARCHAR, k VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(n, id_type) for n in numbers])
    expression = idnumber.sql_problem("n", "k", today=TODAY, min_birth_year=1850)
    return [row[0] for row in con.execute(f"SELECT {expression} FROM t").fetchall()]


def test_sql_rules_give_the_same_slug_as_python(data: Path) -> None:
    rng = random.Random(7)
    numbers = [e["id_number"] for e in examples(data)]
    for _ in range(300):
        body = "52" + "".join(rng.choice("0123456789") for _ in range(15))
        numbers.append(body + rng.choice("0123456789X"))
    numbers += ["5.20526E+17", "520526198506151236.0", "5205261985061512", "52052619850615123"]
    python = [(p.slug if (p := idnumber.problem(n, today=TODAY)) else None) for n in numbers]
    assert sql_slugs(numbers) == python


def test_disability_certificate_is_an_id_plus_category_and_grade() -> None:
    valid = "520526198506151236" + "42"
    assert idnumber.problem(valid, "残疾人证", today=TODAY) is None
    problem = idnumber.problem("520526198506151236" + "92", "残疾人证", today=TODAY)
    assert problem is not None
    assert problem.slug == "id-disability-suffix"
    assert sql_slugs([valid, "520526198506151236" + "92"], "残疾人证") == [None, "id-disability-suffix"]


def test_other_id_types_only_need_a_plain_format() -> None:
    assert idnumber.problem("A123-456", "其他证件", today=TODAY) is None
    problem = idnumber.problem("证明123", "其他证件", today=TODAY)
    assert problem is not None
    assert problem.slug == "id-other-format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("150102880730303", "150102198807303035"),
        ("44011320141005001x", "44011320141005001X"),
        (" 11010519491231002X ", "11010519491231002X"),
    ],
)
def test_normalize_upgrades_legacy_numbers_and_upper_cases_x(typed: str, stored: str) -> None:
    assert idnumber.normalize(typed) == stored
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT trim(?) AS v", [typed])
    assert con.execute(f"SELECT {idnumber.sql_normalize('v')} FROM t").fetchone() == (stored,)


def test_sex_and_birth_date_come_from_the_number() -> None:
    assert idnumber.sex("11010519491231002X") == "女"
    assert idnumber.sex("520526198506151236") == "男"
    assert idnumber.birth_date("520526198506151236") == date(1985, 6, 15)


def test_birth_year_floor_and_future_dates_are_refused() -> None:
    future = "52052620991231001"
    number = future + idnumber.check_char(future)
    problem = idnumber.problem(number, today=TODAY)
    assert problem is not None
    assert problem.slug == "id-birth-date"
    old = "44052418800101001"
    assert idnumber.problem(old + idnumber.check_char(old), today=TODAY, min_birth_year=1900) is not None
