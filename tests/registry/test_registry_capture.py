"""Capture scope in imports: rows of villages outside the uploader's capture prefix are rejected, set-wise."""

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Actor
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.importer import SheetResult, import_file
from fupin.registry.models import Household
from tests.factories.registry import VILLAGE as VILLAGE_NAMES
from tests.factories.registry import family, write_csv

ACTOR = Actor("tester", "import")
VILLAGE = "520526100034"


def run(session: Session, path: Path, scope: Scope) -> SheetResult:
    result = import_file(
        session=session, path=path, actor=ACTOR, settings=Settings(), scope=scope, today=date(2026, 11, 23)
    )
    return result.sheets[0]


def test_rows_outside_the_capture_scope_are_rejected(session: Session, tmp_path: Path) -> None:
    people = family("5205261000340001", 3) + family("5205261000340009", 2, 村="同心社区")
    sheet = run(session, write_csv(tmp_path / "m.csv", people), Scope.of(VILLAGE))
    assert (sheet.read, sheet.inserted, sheet.rejected) == (5, 3, 2)
    assert {(p.location.row, p.slug) for p in sheet.problems} == {
        (5, "village-out-of-scope"),
        (6, "village-out-of-scope"),
    }
    problem = sheet.problems[0]
    assert problem.message == f"该村不在您的数据录入范围内（您的录入范围：区划代码以 {VILLAGE} 开头）"
    assert problem.location.field == "省/市/县/乡/村"


def test_a_household_registered_elsewhere_cannot_be_moved_in(session: Session, tmp_path: Path) -> None:
    elsewhere = family("5205261000340008", 2, 村="同心社区")
    run(session, write_csv(tmp_path / "a.csv", elsewhere), Scope.everything())
    for person in elsewhere:  # the same people and household, now claimed for the cadre's village
        person.location = dict(VILLAGE_NAMES)
    sheet = run(session, write_csv(tmp_path / "b.csv", elsewhere), Scope.of(VILLAGE))
    assert sheet.rejected == 2
    assert {p.slug for p in sheet.problems} == {"village-out-of-scope"}
    assert "该户已登记在录入范围之外的村" in sheet.problems[0].message
    household = session.scalars(select(Household).where(Household.household_number == "5205261000340008")).one()
    assert household.division_code != VILLAGE


def test_no_capture_rights_rejects_every_row(session: Session, tmp_path: Path) -> None:
    sheet = run(session, write_csv(tmp_path / "m.csv", family("5205261000340001", 2)), Scope("520526", None))
    assert (sheet.inserted, sheet.rejected) == (0, 2)
    assert "无录入权限" in sheet.problems[0].message
