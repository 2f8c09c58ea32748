import json
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.audit import Actor, AuditEvent
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.importer import ImportResult, SheetResult, import_file
from fupin.registry.models import Household, Member
from tests.factories.registry import OTHER_VILLAGE, VILLAGE_CODE, Person, family, national_headers, write_csv

ACTOR = Actor("tester", "import")
TODAY = date(2026, 11, 23)


def run(session: Session, path: Path, *, dry_run: bool = False) -> ImportResult:
    return import_file(
        session=session,
        path=path,
        actor=ACTOR,
        settings=Settings(),
        scope=Scope.everything(),
        dry_run=dry_run,
        today=TODAY,
    )


def slugs(sheet: SheetResult) -> set[tuple[int, str]]:
    return {(p.location.row or 0, p.slug) for p in sheet.problems}


def test_a_clean_file_inserts_households_and_members(session: Session, tmp_path: Path) -> None:
    people = family("5205261000340001", 4) + family("5205261000340002", 2, 村="同心社区")
    result = run(session, write_csv(tmp_path / "m.csv", people))
    sheet = result.sheets[0]
    assert (sheet.read, sheet.inserted, sheet.rejected, sheet.households_inserted) == (6, 6, 0, 2)
    assert sheet.reconciles
    households = session.scalars(select(Household).order_by(Household.household_number)).all()
    assert [h.division_code for h in households] == [VILLAGE_CODE, "520526100056"]
    head = session.scalars(select(Member).where(Member.relation == "户主")).first()
    assert head is not None
    assert head.sex == "男"
    assert head.birth_date == date(1975, 3, 4)


def test_reimporting_the_same_file_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", family("5205261000340001", 3))
    run(session, path)
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    again = run(session, path).sheets[0]
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_changed_value_is_updated_and_audited_with_before_and_after(session: Session, tmp_path: Path) -> None:
    people = family("5205261000340001", 3)
    run(session, write_csv(tmp_path / "a.csv", people))
    people[1].extra = {"劳动技能": "技能劳动力"}
    result = run(session, write_csv(tmp_path / "b.csv", people)).sheets[0]
    assert (result.updated, result.unchanged) == (1, 2)
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "member")).one()
    assert json.loads(event.before or "{}") == {"labour_skill": "普通劳动力"}
    assert json.loads(event.after or "{}") == {"labour_skill": "技能劳动力"}


def test_dry_run_reports_but_writes_nothing(session: Session, tmp_path: Path) -> None:
    result = run(session, write_csv(tmp_path / "m.csv", family("5205261000340001", 3)), dry_run=True)
    assert result.sheets[0].inserted == 3
    assert session.scalar(select(func.count()).select_from(Member)) == 0


def bad(person: Person, **extra: str) -> Person:
    person.extra = {**person.extra, **extra}
    return person


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"证件号码": "5.20526E+17"}, "id-numeric"),
        ({"证件号码": "520526201001010011"}, "id-checksum"),
        ({"证件号码": "52052620101301001X"}, "id-birth-date"),
        ({"与户主关系": "儿子"}, "bad-code"),
        ({"文化程度": "小学"}, "education-and-school"),
        ({"在校生状况": ""}, "education-or-school-missing"),
        ({"务工所在地": "广东省"}, "work-place-months"),
        ({"务工时间（月）": "13", "务工所在地": "广东省"}, "out-of-range"),
        ({"姓名": ""}, "required"),
        ({"性别": "女"}, "sex-mismatch"),
        ({"出生日期": "2010-02-02"}, "birth-mismatch"),
        ({"成员联系电话": "12345"}, "bad-phone"),
        ({"健康状况": "健康,很好"}, "bad-code"),
        ({"是否享受低保": "有"}, "bad-bool"),
    ],
)
def test_each_dirty_member_row_is_rejected_alone_with_its_reason(
    session: Session, tmp_path: Path, change: dict[str, str], slug: str
) -> None:
    people = family("5205261000340001", 3)
    bad(people[2], **change)
    result = run(session, write_csv(tmp_path / "m.csv", people)).sheets[0]
    assert slugs(result) == {(4, slug)}
    assert (result.inserted, result.rejected) == (2, 1)
    assert result.rejected_rows is not None
    assert result.rejected_rows.num_rows == 1
    reason = result.rejected_rows.column(result.rejected_rows.num_columns - 1)[0].as_py()
    assert reason.startswith("第4行")


def test_household_rules_reject_the_rows_that_break_them(session: Session, tmp_path: Path) -> None:
    two_heads = family("5205261000340001", 3)
    two_heads[2].relation = "户主"
    two_heads[2].extra = {}
    same_sex = family("5205261000340002", 2)
    same_sex[1].sex = "男"
    no_head = family("5205261000340003", 2)[1:]
    result = run(session, write_csv(tmp_path / "m.csv", two_heads + same_sex + no_head)).sheets[0]
    assert slugs(result) == {(2, "multiple-heads"), (4, "multiple-heads"), (6, "spouse-same-sex"), (7, "no-head")}


def test_one_person_in_one_household(session: Session, tmp_path: Path) -> None:
    first = family("5205261000340001", 2)
    run(session, write_csv(tmp_path / "a.csv", first))
    moved = family("5205261000340002", 2)
    moved[1].id_number = first[1].id_number
    repeated = family("5205261000340003", 2)
    repeated[1].relation, repeated[1].sex = "之兄弟姐妹", "男"
    repeated[1].id_number = moved[0].row()["证件号码"]
    result = run(session, write_csv(tmp_path / "b.csv", moved + repeated)).sheets[0]
    assert slugs(result) == {(3, "id-in-other-household"), (5, "duplicate-id")}


def test_unknown_village_and_conflicting_household_values(session: Session, tmp_path: Path) -> None:
    lost = family("5205261000340001", 2, 村="不存在村")
    split = family("5205261000340002", 2)
    split[1].location = dict(OTHER_VILLAGE)
    result = run(session, write_csv(tmp_path / "m.csv", lost + split)).sheets[0]
    assert slugs(result) == {(2, "unknown-village"), (3, "unknown-village"), (5, "household-conflict")}


def test_values_are_trimmed_and_full_width_folded(session: Session, tmp_path: Path) -> None:
    person = family("5205261000340001", 1)[0]
    number = person.row()["证件号码"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    bad(person, 证件号码=f"　{full_width} ", 成员联系电话="１３９ ０００ ０００００")
    result = run(session, write_csv(tmp_path / "m.csv", [person])).sheets[0]
    assert (result.inserted, result.rejected) == (1, 0)
    stored = session.scalars(select(Member)).one()
    assert (stored.id_number, stored.phone) == (number, "13900000000")


def test_fixed_error_workbook_reimports_cleanly(session: Session, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from fupin.tabular.workbook import write_error_workbook

    people = family("5205261000340001", 3)
    good_number = people[2].row()["证件号码"]
    bad(people[2], 证件号码=good_number[:-1] + ("0" if good_number[-1] != "0" else "1"))
    result = run(session, write_csv(tmp_path / "m.csv", people))
    sheet = result.sheets[0]
    workbook = tmp_path / "errors.xlsx"
    write_error_workbook(workbook, [(sheet.sheet, sheet.headers, sheet.rejected_rows, sheet.problems)])
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("m.csv").to_python()
    assert rows[0][-1] == "错误原因"
    assert "校验位" in rows[1][-1]
    fixed = tmp_path / "fixed.xlsx"
    book = xlsxwriter.Workbook(str(fixed))
    out = book.add_worksheet("fixed")
    header = rows[0]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            out.write_string(r, c, good_number if (r == 1 and header[c] == "证件号码") else str(value))
    book.close()
    again = run(session, fixed).sheets[0]
    assert (again.read, again.inserted, again.rejected) == (1, 1, 0)


def test_xlsx_numeric_id_cells_are_refused_never_guessed(session: Session, tmp_path: Path) -> None:
    headers = national_headers()
    row = family("5205261000340001", 1)[0].row()
    while not row["证件号码"].isdigit():  # a number cell cannot hold a check character X
        row = family("5205261000340001", 1)[0].row()
    path = tmp_path / "n.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("人口")
    sheet.write_string(0, 0, "某县建档立卡人口信息")  # a title row above the header
    sheet.write_row(1, 0, headers)
    for index, header in enumerate(headers):
        if header == "证件号码":
            sheet.write_number(2, index, float(row[header]))
        else:
            sheet.write_string(2, index, row.get(header, ""))
    book.close()
    result = run(session, path).sheets[0]
    assert slugs(result) == {(3, "id-numeric")}


def test_gb18030_csv_is_read(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "utf8.csv", family("5205261000340001", 2))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(path.read_text(encoding="utf-8-sig").encode("gb18030"))
    assert run(session, gbk).sheets[0].inserted == 2
