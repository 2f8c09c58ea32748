"""A small synthetic registry imported through the real importer (which refreshes the analytics tables)."""

from datetime import date
from pathlib import Path

import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.orm import Session

from fupin.audit import Actor
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.importer import ImportResult, import_file
from fupin.synth import generate
from fupin.synth.writer import write_csv

WEINING, TAIJIANG = "520526", "522633"  # two counties of two prefectures
ACTOR = Actor("tester", "import")
MEASURED = {
    # column: an independent SQL definition over the registry, written without the measures module
    "households": "1",
    "status_not_exited": "CASE WHEN h.poverty_status = '未脱贫' THEN 1 ELSE 0 END",
    "status_exited": "CASE WHEN h.poverty_status = '已脱贫' THEN 1 ELSE 0 END",
    "cause_illness": "CASE WHEN h.main_cause = '因病' THEN 1 ELSE 0 END",
    "cause_disability": "CASE WHEN h.main_cause = '因残' THEN 1 ELSE 0 END",
    "type_poor": "CASE WHEN h.household_type = '贫困户' THEN 1 ELSE 0 END",
    "monitored": "CASE WHEN h.monitoring_category IS NOT NULL THEN 1 ELSE 0 END",
    "house_unsafe": "CASE WHEN h.house_safety_grade IN ('C', 'D') THEN 1 ELSE 0 END",
}
MEMBER_MEASURED = {
    "members": "1",
    "members_poor": "CASE WHEN h.poverty_status IN ('未脱贫', '返贫', '新识别') THEN 1 ELSE 0 END",
    "members_no_medical": "CASE WHEN (m.ins_resident_medical IS NULL OR NOT m.ins_resident_medical) "
    "AND (m.ins_employee_medical IS NULL OR NOT m.ins_employee_medical) THEN 1 ELSE 0 END",
}


def synthetic(members: int = 1_500, seed: int = 7) -> tuple[pa.Table, pa.Table]:
    data = generate(members=members, seed=seed, counties=[WEINING, TAIJIANG], year=2020)
    return data.households, data.members


def import_tables(session: Session, folder: Path, households: pa.Table, members: pa.Table) -> list[ImportResult]:
    results = []
    for table, name in ((households, "户信息"), (members, "人口信息")):
        path = write_csv(table, folder / f"{name}.csv")
        results.append(
            import_file(
                session=session,
                path=path,
                actor=ACTOR,
                settings=Settings(),
                scope=Scope.everything(),
                today=date(2026, 11, 23),
            )
        )
    return results


def direct_by_village(session: Session) -> dict[str, dict[str, int]]:
    """The figures per village counted straight from the registry, for comparison with analytics_village."""
    household_sums = ", ".join(f"SUM({sql}) AS {name}" for name, sql in MEASURED.items())
    member_sums = ", ".join(f"SUM({sql}) AS {name}" for name, sql in MEMBER_MEASURED.items())
    figures: dict[str, dict[str, int]] = {}
    statements = (
        f"SELECT h.division_code, {household_sums} FROM registry_household h "
        "WHERE h.deleted_at IS NULL GROUP BY h.division_code",
        f"SELECT h.division_code, {member_sums} FROM registry_member m JOIN registry_household h "
        "ON h.id = m.household_id WHERE m.deleted_at IS NULL AND h.deleted_at IS NULL GROUP BY h.division_code",
    )
    for statement in statements:
        result = session.execute(text(statement))
        names = list(result.keys())[1:]
        for row in result:
            figures.setdefault(row[0], dict.fromkeys([*MEASURED, *MEMBER_MEASURED], 0)).update(
                zip(names, (int(v) for v in row[1:]), strict=True)
            )
    return figures


def stored_by_village(session: Session) -> dict[str, dict[str, int]]:
    columns = [*MEASURED, *MEMBER_MEASURED]
    result = session.execute(text(f"SELECT division_code, {', '.join(columns)} FROM analytics_village"))
    return {row[0]: dict(zip(columns, (int(v) for v in row[1:]), strict=True)) for row in result}
