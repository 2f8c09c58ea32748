"""The acceptance test of synthetic dirty data: the importer rejects exactly the broken rows, for the known reason,
and the error workbook, once corrected, brings every one of them in."""

from pathlib import Path

import pyarrow as pa
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.audit import Actor
from fupin.config import load_settings
from fupin.divisions.scope import Scope
from fupin.registry.importer import ImportResult, SheetResult, import_file
from fupin.registry.models import Member
from fupin.synth import DEMO_COUNTIES, Synthetic, generate
from fupin.synth.writer import write_csv
from fupin.tabular.workbook import write_error_workbook

ACTOR = Actor("test", "system")
MEMBERS, DIRTY_SHARE = 10_000, 0.03


@pytest.fixture(scope="module")
def dirty() -> Synthetic:
    return generate(members=MEMBERS, seed=2020, counties=list(DEMO_COUNTIES), year=2020, dirty_share=DIRTY_SHARE)


def run(session: Session, path: Path) -> SheetResult:
    result: ImportResult = import_file(
        session=session, path=path, actor=ACTOR, settings=load_settings(), scope=Scope.everything()
    )
    assert len(result.sheets) == 1
    return result.sheets[0]


def reconciles(sheet: SheetResult) -> bool:
    return sheet.read == sheet.inserted + sheet.updated + sheet.unchanged + sheet.rejected


def fix_error_workbook(sheet: SheetResult, faults: pa.Table, source: Path, target: Path) -> Path:
    """Put each manifest's good value back into the cell it broke, writing every cell as text."""
    assert sheet.rejected_rows is not None
    original_rows = sheet.rejected_rows.column(0).to_pylist()  # the importer's row number of each rejected row
    fixes = {
        row: (field, good)
        for row, field, good in zip(*(faults[c].to_pylist() for c in ("row", "field", "good_value")), strict=True)
    }
    rows = CalamineWorkbook.from_path(str(source)).get_sheet_by_name(sheet.sheet[:31]).to_python()
    header = [str(cell) for cell in rows[0]]
    book = xlsxwriter.Workbook(str(target))
    out = book.add_worksheet("改正后")
    out.write_row(0, 0, header)
    for index, values in enumerate(rows[1:]):
        field, good = fixes[original_rows[index]]
        cells = [str(value) for value in values] + [""] * (len(header) - len(values))
        cells[header.index(field)] = good
        for column, value in enumerate(cells):
            if value:
                out.write_string(index + 1, column, value)
    book.close()
    return target


def test_dirty_rows_are_rejected_exactly_as_the_manifest_says_then_fixed(
    session: Session, tmp_path: Path, dirty: Synthetic
) -> None:
    faults = dirty.faults
    assert faults.num_rows == round(MEMBERS * DIRTY_SHARE) == 300
    households_csv = write_csv(dirty.households, tmp_path / "户信息.csv")
    households = run(session, households_csv)
    assert (households.inserted, households.rejected) == (dirty.households.num_rows, 0)

    members = run(session, write_csv(dirty.members, tmp_path / "人口信息.csv"))
    expected = set(zip(faults["row"].to_pylist(), faults["slug"].to_pylist(), strict=True))
    assert {(problem.location.row, problem.slug) for problem in members.problems} == expected
    assert (members.read, members.rejected, members.inserted) == (MEMBERS, 300, MEMBERS - 300)
    assert (members.updated, members.unchanged) == (0, 0)
    assert reconciles(members)

    errors = tmp_path / "错误.xlsx"
    assert members.rejected_rows is not None
    write_error_workbook(errors, [(members.sheet, members.headers, members.rejected_rows, members.problems)])
    fixed = run(session, fix_error_workbook(members, faults, errors, tmp_path / "改正后.xlsx"))
    assert (fixed.read, fixed.inserted, fixed.rejected, fixed.updated) == (300, 300, 0, 0)
    assert session.scalar(select(func.count()).select_from(Member)) == MEMBERS

    again = run(session, households_csv)
    assert (again.inserted, again.updated, again.rejected, again.unchanged) == (0, 0, 0, dirty.households.num_rows)
