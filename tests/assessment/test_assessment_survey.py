"""Survey results: the field team's sheet round-trips, bad rows are rejected with reasons, the fix re-imports."""

from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.assessment.exit_models import SampleHousehold
from fupin.assessment.survey import Answers, estimates, export_sheet, import_results, record_answers
from fupin.audit import AuditEvent
from fupin.errors import FupinError
from fupin.tabular.workbook import REASON_HEADER
from tests.factories.exit import ACTOR, build_county

ANSWER_COLUMNS = ("调查人数", "是否错退", "是否漏评", "是否认可")


def sheet_rows(path: Path) -> list[list[str]]:
    return [
        [str(cell) for cell in row] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    ]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("调查结果")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell:
                sheet.write_string(r, c, cell)
    book.close()
    return path


def fill(header: list[str], row: list[str], **values: str) -> list[str]:
    filled = list(row)
    for name, value in values.items():
        filled[header.index(name)] = value
    return filled


def test_the_filled_sheet_is_stored_and_bad_rows_go_to_a_workbook_that_reimports(
    session: Session, tmp_path: Path
) -> None:
    county = build_county(session, surveyed=False)
    numbers = {county.households[name].household_number: name for name in ("a2", "a3", "a4", "b2", "b3")}
    exported = sheet_rows(export_sheet(session=session, sample=county.sample, path=tmp_path / "调查表.xlsx"))
    header, rows = exported[0], exported[1:]
    assert [row[0] for row in rows] == sorted(numbers)
    answers = {  # a4 (non-registered) wrongly given 是否错退; b2 with a bad answer; b3 with a bad count
        "a2": {"是否错退": "否", "是否认可": "是", "调查人数": "2", "调查日期": "2020-06-15"},
        "a3": {"是否错退": "是", "是否认可": "否", "调查人数": "4"},
        "a4": {"是否错退": "否", "是否漏评": "是", "是否认可": "是", "调查人数": "5"},
        "b2": {"是否错退": "也许", "是否认可": "是", "调查人数": "3"},
        "b3": {"是否漏评": "否", "是否认可": "是", "调查人数": "四"},
    }
    filled = [fill(header, row, **answers[numbers[row[0]]]) for row in rows]
    stranger = fill(header, ["" for _ in header], 户编号="X0000001", 是否认可="是")
    upload = write_rows(tmp_path / "已填.xlsx", [header, *filled, stranger])
    errors = tmp_path / "已填.错误.xlsx"
    result = import_results(session=session, actor=ACTOR, sample=county.sample, path=upload, error_path=errors)
    assert (result.read, result.stored, result.rejected_rows) == (6, 2, 4)
    assert result.problems is not None
    found = {(numbers.get(filled[p.location.row - 2][0], "?") if p.location.row <= 6 else "stranger", p.slug,
              p.location.field) for p in result.problems if p.location.row}  # fmt: skip
    assert found == {
        ("a4", "answer-not-applicable", "是否错退"),
        ("b2", "yes-no-invalid", "是否错退"),
        ("b3", "people-invalid", "调查人数"),
        ("stranger", "not-in-sample", "户编号"),
    }
    rejected = sheet_rows(errors)
    assert rejected[0] == [*header, REASON_HEADER]
    assert "只能填是或否" in next(row[-1] for row in rejected if row[0] == county.households["b2"].household_number)

    fixes = {"也许": "否", "四": "4"}
    fixed = [[fixes.get(cell, cell) for cell in row[:-1]] for row in rejected]
    a4 = next(row for row in fixed[1:] if row[0] == county.households["a4"].household_number)
    a4[header.index("是否错退")] = ""
    fixed = [row for row in fixed if row[0] != "X0000001"]
    again = import_results(
        session=session, actor=ACTOR, sample=county.sample, path=write_rows(tmp_path / "改.xlsx", fixed)
    )
    assert (again.problems, again.stored) == ([], 3)
    rates = estimates(session=session, sample=county.sample)
    assert rates.surveyed == 5
    assert rates.wrong_exit is not None
    assert rates.wrong_exit.rate == pytest.approx(8 / 18)
    assert rates.missed is not None
    assert rates.missed.rate == pytest.approx(5 / 13)
    assert rates.approval is not None
    assert rates.approval.rate == pytest.approx(7 / 9)
    events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "sample_household")).all()
    assert len(events) == 5


def test_the_form_refuses_an_answer_that_does_not_fit_the_stratum_and_stores_one_that_does(session: Session) -> None:
    county = build_county(session, surveyed=False)
    a4 = county.households["a4"].id
    wrong = Answers(wrongly_exited=True, missed=None, approves=True, people=5, surveyor="张", surveyed_on=None)
    with pytest.raises(FupinError) as refused:
        record_answers(session=session, actor=ACTOR, sample=county.sample, household_id=a4, answers=wrong)
    assert [(p.slug, p.location.field) for p in refused.value.problems] == [("answer-not-applicable", "wrongly_exited")]
    right = Answers(wrongly_exited=None, missed=True, approves=False, people=5, surveyor="张", surveyed_on=None)
    record_answers(session=session, actor=ACTOR, sample=county.sample, household_id=a4, answers=right)
    stored = session.scalars(select(SampleHousehold).where(SampleHousehold.household_id == a4)).one()
    assert (stored.missed, stored.approves, stored.surveyor) == (True, False, "张")
