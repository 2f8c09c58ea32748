"""Rural populations load by code or by names, bad rows go to an error workbook that re-imports once fixed."""

from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.assessment.exit_models import RuralPopulation
from fupin.assessment.population import denominator, derive_from_members, import_population
from fupin.audit import Actor, AuditEvent
from fupin.divisions.scope import Scope
from fupin.tabular.workbook import REASON_HEADER
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE, VILLAGE_CODE

ACTOR = Actor("tester", "cli")
OTHER_VILLAGE = "520526100056"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    return path


def stored(session: Session) -> dict[tuple[str, int], int]:
    rows = session.scalars(select(RuralPopulation).where(RuralPopulation.deleted_at.is_(None)))
    return {(row.division_code, row.year): row.rural_population for row in rows}


def fixed_copy(workbook: Path, target: Path, fixes: dict[str, str]) -> Path:
    """The error workbook's first sheet with the given cell values replaced, as a person would fix it in Excel."""
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_index(0).to_python()
    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("农村人口")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, fixes.get(str(cell), str(cell)))
    book.close()
    return target


def test_rows_by_code_are_stored_and_bad_rows_rejected_with_reasons(session: Session, tmp_path: Path) -> None:
    upload = write_csv(
        tmp_path / "人口.csv",
        [
            ["村代码", "年度", "农村人口", "来源"],
            [VILLAGE_CODE, "2020", "1500", "统计年鉴"],
            ["520526100099", "2020", "800", ""],
            [OTHER_VILLAGE, "二〇二〇", "900", ""],
            [OTHER_VILLAGE, "2020", "-5", ""],
            ["520526100", "2019", "100", ""],
        ],
    )
    errors = tmp_path / "人口.错误.xlsx"
    result = import_population(session=session, path=upload, actor=ACTOR, scope=Scope.everything(), error_path=errors)
    assert (result.read, result.inserted, result.rejected_rows) == (5, 1, 4)
    assert [(p.location.row, p.slug) for p in result.problems] == [
        (3, "unknown-village"),
        (4, "year-invalid"),
        (5, "population-invalid"),
        (6, "unknown-village"),
    ]
    assert result.problems[1].location.field == "年度"
    assert result.problems[1].expected
    assert stored(session) == {(VILLAGE_CODE, 2020): 1500}
    rows = CalamineWorkbook.from_path(str(errors)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["村代码", "年度", "农村人口", "来源", REASON_HEADER]
    assert [row[0] for row in rows[1:]] == ["520526100099", OTHER_VILLAGE, OTHER_VILLAGE, "520526100"]
    assert "第4行" in str(rows[2][4])
    assert "年度" in str(rows[2][4])

    fixes = {"520526100099": VILLAGE_CODE, "二〇二〇": "2021", "-5": "950", "520526100": VILLAGE_CODE}
    again = import_population(
        session=session, path=fixed_copy(errors, tmp_path / "改正.xlsx", fixes), actor=ACTOR, scope=Scope.everything()
    )
    assert (again.problems, again.inserted, again.updated) == ([], 3, 1)
    assert stored(session) == {
        (VILLAGE_CODE, 2020): 800, (VILLAGE_CODE, 2019): 100, (OTHER_VILLAGE, 2021): 900, (OTHER_VILLAGE, 2020): 950
    }  # fmt: skip


def test_names_locate_villages_and_a_change_is_audited(session: Session, tmp_path: Path) -> None:
    header = ["省", "市", "县", "乡", "村", "年度", "农村人口"]
    place = [VILLAGE[k] for k in ("省", "市", "县", "乡", "村")]
    import_population(
        session=session, path=write_csv(tmp_path / "a.csv", [header, [*place, "2020", "1200"]]), actor=ACTOR,
        scope=Scope.everything(),
    )  # fmt: skip
    result = import_population(
        session=session, path=write_csv(tmp_path / "b.csv", [header, [*place, "2020", "1250"]]), actor=ACTOR,
        scope=Scope.everything(),
    )  # fmt: skip
    assert (result.inserted, result.updated) == (0, 1)
    assert stored(session) == {(VILLAGE_CODE, 2020): 1250}
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "rural_population")).one()
    assert '"rural_population": 1200' in (event.before or "")


def test_rows_outside_the_capture_scope_are_rejected(session: Session, tmp_path: Path) -> None:
    upload = write_csv(tmp_path / "c.csv", [["村代码", "年度", "农村人口"], [OTHER_VILLAGE, "2020", "10"]])
    result = import_population(session=session, path=upload, actor=ACTOR, scope=Scope.of(VILLAGE_CODE))
    assert [p.slug for p in result.problems] == ["out-of-scope"]
    assert stored(session) == {}


def test_the_denominator_is_unknown_while_a_village_with_households_lacks_a_figure(
    session: Session, tmp_path: Path
) -> None:
    make_household(session)
    make_household(session, division_code=OTHER_VILLAGE)
    upload = write_csv(tmp_path / "d.csv", [["村代码", "年度", "农村人口"], [VILLAGE_CODE, "2020", "1000"]])
    import_population(session=session, path=upload, actor=ACTOR, scope=Scope.everything())
    assert denominator(session=session, prefix=VILLAGE_CODE, year=2020).population == 1000
    county = denominator(session=session, prefix="520526", year=2020)
    assert (county.population, county.villages_known, county.villages_missing) == (None, 1, 1)
    assert denominator(session=session, prefix=VILLAGE_CODE, year=2019).population is None


def test_demo_figures_are_members_times_the_factor_and_say_so(session: Session) -> None:
    make_household(session, members=[{}, {}, {}])
    make_household(session, members=[{}, {}])
    make_household(session, division_code=OTHER_VILLAGE, members=[{}])
    derive_from_members(session=session, actor=ACTOR, year=2020, factor=3.4, source="演示推算")
    derive_from_members(session=session, actor=ACTOR, year=2020, factor=9.0, source="演示推算")  # keeps figures
    assert stored(session) == {(VILLAGE_CODE, 2020): 17, (OTHER_VILLAGE, 2020): 3}
    sources = set(session.scalars(select(RuralPopulation.source)))
    assert sources == {"演示推算"}
