"""Member and household rules across fields and rows (domain.md §1.5, §1.11), as set-wise workspace SQL.

Each rule appends rows to the workspace table `problems(_row, field, slug, value, detail)`.
"""

from datetime import date

import duckdb

from fupin.registry import idnumber
from fupin.registry.staging import StagingPlan

PERSON = "member__id_number"


def plan_identity(plan: StagingPlan, *, today: date, min_birth_year: int, has: set[str]) -> None:
    """Layer `id_type_eff`, `id_slug`, `id_sex`, `id_birth`, `sex_eff`, `birth_eff` into the `staged` statement."""
    id_type = "coalesce(member__id_type, '居民身份证')" if "member__id_type" in has else "'居民身份证'"
    slug = idnumber.sql_problem(PERSON, id_type, today=today, min_birth_year=min_birth_year)
    identity = f"{id_type} IN ('居民身份证', '港澳居民居住证', '台湾居民居住证', '外国人永久居留身份证', '残疾人证')"
    id_sex = f"CASE WHEN CAST(substr({PERSON}, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END"
    id_birth = f"CAST(strptime(substr({PERSON}, 7, 8), '%Y%m%d') AS DATE)"
    given_sex = "member__sex" if "member__sex" in has else "NULL::VARCHAR"
    given_birth = "member__birth_date" if "member__birth_date" in has else "NULL::DATE"
    plan.layers += [
        [
            f"{id_type} AS id_type_eff",
            f"CASE WHEN {PERSON} IS NOT NULL THEN {slug} END AS id_slug",
            f"{identity} AS carries",
        ],
        [
            f"CASE WHEN id_slug IS NULL AND carries THEN {id_sex} END AS id_sex",
            f"CASE WHEN id_slug IS NULL AND carries THEN {id_birth} END AS id_birth",
        ],
        [f"coalesce({given_sex}, id_sex) AS sex_eff", f"coalesce({given_birth}, id_birth) AS birth_eff"],
    ]


def identity_problems(duck: duckdb.DuckDBPyConnection, has: set[str]) -> None:
    """ID numbers that break their type's rules; sex and birth date that contradict the ID number."""
    _insert(duck, PERSON, "id_slug", "id_slug IS NOT NULL AND member__id_number__err IS NULL")
    if "member__sex" in has:
        _insert(
            duck,
            "member__sex",
            "'sex-mismatch'",
            "id_sex IS NOT NULL AND member__sex IS NOT NULL AND member__sex <> id_sex",
        )
    _insert(duck, "member__sex", "'required'", "sex_eff IS NULL AND id_slug IS NULL AND member__id_number IS NOT NULL")
    if "member__birth_date" in has:
        _insert(
            duck,
            "member__birth_date",
            "'birth-mismatch'",
            "id_birth IS NOT NULL AND member__birth_date IS NOT NULL AND member__birth_date <> id_birth",
        )


def member_fields(duck: duckdb.DuckDBPyConnection, has: set[str]) -> None:
    """Education xor in-school status; work place and months together."""
    if {"member__education", "member__school_status"} <= has:
        _insert(
            duck,
            "member__school_status",
            "'education-and-school'",
            "member__education IS NOT NULL AND member__school_status IS NOT NULL",
        )
        _insert(
            duck,
            "member__education",
            "'education-or-school-missing'",
            "member__education IS NULL AND member__school_status IS NULL",
        )
    if {"member__work_place", "member__work_months"} <= has:
        place, months = "member__work_place IS NOT NULL", "coalesce(member__work_months, 0) > 0"
        bad = f"({place}) <> ({months}) AND member__work_months__err IS NULL"
        _insert(duck, "member__work_months", "'work-place-months'", bad)


def household_rules(duck: duckdb.DuckDBPyConnection, household_columns: list[str]) -> None:
    """Rules over the rows of one household, in the file and already in the database (`existing_members`)."""
    duck.execute(
        f"""
        CREATE OR REPLACE TABLE combined AS
        SELECT _row, member__household_number AS hh, member__relation AS relation, sex_eff AS sex, {PERSON} AS person
        FROM staged
        UNION ALL
        SELECT NULL, e.household_number, e.relation, e.sex, e.id_number FROM existing_members e
        WHERE NOT EXISTS (SELECT 1 FROM staged s WHERE s.{PERSON} = e.id_number)
          AND e.household_number IN (SELECT member__household_number FROM staged)
        """
    )
    duck.execute(
        "CREATE OR REPLACE TABLE hh_roles AS SELECT hh, count(*) FILTER (WHERE relation = '户主') AS heads, "
        "count(*) FILTER (WHERE relation = '配偶') AS spouses, max(sex) FILTER (WHERE relation = '户主') AS head_sex "
        "FROM combined GROUP BY hh"
    )
    rel = "member__relation"
    roles = "(SELECT * FROM hh_roles) r ON r.hh = s.member__household_number"
    _insert_join(duck, rel, "'multiple-heads'", roles, f"s.{rel} = '户主' AND r.heads > 1")
    _insert_join(duck, rel, "'no-head'", roles, "r.heads = 0")
    _insert_join(duck, rel, "'multiple-spouses'", roles, f"s.{rel} = '配偶' AND r.spouses > 1")
    _insert_join(
        duck, "member__sex", "'spouse-same-sex'", roles, f"s.{rel} = '配偶' AND r.heads = 1 AND s.sex_eff = r.head_sex"
    )
    _duplicates(duck)
    _conflicts(duck, household_columns)


def _duplicates(duck: duckdb.DuckDBPyConnection) -> None:
    duck.execute(
        f"""
        INSERT INTO problems
        SELECT _row, '{PERSON}', 'duplicate-id', {PERSON}, '与第' || first_row || '行重复'
        FROM (SELECT _row, {PERSON}, first_value(_row) OVER w AS first_row, row_number() OVER w AS n
              FROM staged WHERE {PERSON} IS NOT NULL WINDOW w AS (PARTITION BY {PERSON} ORDER BY _row))
        WHERE n > 1
        """
    )
    duck.execute(
        f"""
        INSERT INTO problems
        SELECT s._row, '{PERSON}', 'id-in-other-household', s.{PERSON}, '已在户编号 ' || e.household_number || ' 中登记'
        FROM staged s JOIN existing_by_id e ON e.id_number = s.{PERSON}
        WHERE e.household_number <> s.member__household_number
        """
    )


def _conflicts(duck: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """Household values that differ from the household's first row, for every household column in one window pass.

    One sort of the sheet by household serves all columns; only the few rows with a conflict are kept, then each
    column's problems are read from that small table.
    """
    if not columns:
        return
    differs = [
        f"{column} IS DISTINCT FROM first_value({column}) OVER w AS differs_{i}" for i, column in enumerate(columns)
    ]
    texts = [f"{column}__text AS text_{i}" for i, column in enumerate(columns)]
    duck.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE household_conflicts AS
        SELECT * FROM (SELECT _row, first_value(_row) OVER w AS first_row, {", ".join(differs + texts)}
                       FROM staged WINDOW w AS (PARTITION BY member__household_number ORDER BY _row))
        WHERE {" OR ".join(f"differs_{i}" for i in range(len(columns)))}
        """
    )
    parts = [
        f"SELECT _row, '{column}', 'household-conflict', text_{i}, '与同户第' || first_row || '行不同' "
        f"FROM household_conflicts WHERE differs_{i}"
        for i, column in enumerate(columns)
    ]
    duck.execute("INSERT INTO problems " + " UNION ALL ".join(parts))
    duck.execute("DROP TABLE household_conflicts")


def _text_of(duck: duckdb.DuckDBPyConnection, field: str, alias: str = "") -> str:
    columns = {row[0] for row in duck.execute("DESCRIBE staged").fetchall()}
    return f"{alias}{field}__text" if f"{field}__text" in columns else "NULL"


def _insert(duck: duckdb.DuckDBPyConnection, field: str, slug: str, condition: str) -> None:
    value = _text_of(duck, field)
    duck.execute(f"INSERT INTO problems SELECT _row, '{field}', {slug}, {value}, NULL FROM staged WHERE {condition}")


def _insert_join(duck: duckdb.DuckDBPyConnection, field: str, slug: str, joined: str, condition: str) -> None:
    value = _text_of(duck, field, "s.")
    duck.execute(
        f"INSERT INTO problems SELECT s._row, '{field}', {slug}, {value}, NULL FROM staged s JOIN {joined} WHERE "
        f"{condition}"
    )
