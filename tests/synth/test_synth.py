"""Synthetic registries: reproducible, internally consistent, valid by every rule the importer knows."""

import re
from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fupin.audit import Actor
from fupin.cli.main import app
from fupin.config import load_settings
from fupin.divisions.scope import Scope
from fupin.registry import codelists, idnumber
from fupin.registry.fields import INCOME_PARTS
from fupin.registry.importer import import_file
from fupin.registry.staging import spec_for
from fupin.synth import DEMO_COUNTIES, Synthetic, generate
from fupin.synth.places import division_table
from fupin.synth.writer import write_csv, write_xlsx
from fupin.tabular.layout import layouts, looks_like_header
from fupin.tabular.read import read_sheets

COUNTIES = ["520526", "522633", "520627"]
TODAY = date.today()
PHONE = re.compile(r"1[3-9][0-9]{9}")


@pytest.fixture(scope="module")
def data() -> Synthetic:
    return generate(members=6_000, seed=11, counties=COUNTIES, year=2020)


def rows(table: pa.Table) -> list[dict[str, str]]:
    return table.to_pylist()


def by_household(data: Synthetic) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for member in rows(data.members):
        grouped[member["户编号"]].append(member)
    return grouped


def test_the_same_seed_gives_the_same_tables() -> None:
    first = generate(members=2_000, seed=5, counties=COUNTIES, dirty_share=0.05)
    second = generate(members=2_000, seed=5, counties=COUNTIES, dirty_share=0.05)
    assert first.members.equals(second.members)
    assert first.households.equals(second.households)
    assert first.faults.equals(second.faults)


def test_different_seeds_give_different_tables() -> None:
    first = generate(members=2_000, seed=5, counties=COUNTIES)
    second = generate(members=2_000, seed=6, counties=COUNTIES)
    assert not first.members.equals(second.members)
    assert first.members.column("证件号码").to_pylist() != second.members.column("证件号码").to_pylist()


def test_tables_carry_exactly_the_national_headers(data: Synthetic) -> None:
    assert data.members.column_names == layouts()["national_member"].headers()
    assert data.households.column_names == layouts()["national_household"].headers()
    assert data.members.num_rows == 6_000
    assert data.faults.num_rows == 0
    assert all(pa.types.is_string(field.type) for field in (*data.members.schema, *data.households.schema))


def test_every_id_is_valid_unique_and_agrees_with_sex_birth_and_county(data: Synthetic) -> None:
    members = rows(data.members)
    numbers = [member["证件号码"] for member in members]
    assert len(set(numbers)) == len(numbers)
    for member in members:
        number = member["证件号码"]
        assert idnumber.problem(number, today=TODAY) is None, number
        assert idnumber.sex(number) == member["性别"]
        assert str(idnumber.birth_date(number)) == member["出生日期"]
        assert number[:6] == member["村代码"][:6]


def test_households_have_one_head_first_and_a_spouse_of_the_other_sex(data: Synthetic) -> None:
    for members in by_household(data).values():
        relations = [member["与户主关系"] for member in members]
        assert relations[0] == "户主"
        assert relations.count("户主") == 1
        assert relations.count("配偶") <= 1
        head = members[0]
        for member in members:
            assert (member["户主姓名"], member["户主证件号码"]) == (head["姓名"], head["证件号码"])
            if member["与户主关系"] == "配偶":
                assert member["性别"] != head["性别"]
    couples = sum("配偶" in (m["与户主关系"] for m in ms) for ms in by_household(data).values() if len(ms) >= 2)
    assert couples > 0.75 * sum(len(ms) >= 2 for ms in by_household(data).values())


def test_ages_are_plausible_relative_to_the_head(data: Synthetic) -> None:
    for members in by_household(data).values():
        head_year = int(members[0]["出生日期"][:4])
        for member in members[1:]:
            year = int(member["出生日期"][:4])
            if member["与户主关系"] in ("之子", "之女"):
                assert year >= head_year + 16
            if member["与户主关系"] in ("之孙子", "之孙女"):
                assert year >= head_year + 38
            if member["与户主关系"] in ("之父", "之母"):
                assert year <= head_year - 18


def test_education_or_school_status_never_both(data: Synthetic) -> None:
    for member in rows(data.members):
        assert bool(member["文化程度"]) != bool(member["在校生状况"])
        age = 2020 - int(member["出生日期"][:4])
        if age <= 13:
            assert member["在校生状况"], member
        if age >= 25:
            assert member["文化程度"], member


def test_migrant_work_place_and_months_go_together_and_phones_are_mobiles(data: Synthetic) -> None:
    for member in rows(data.members):
        assert bool(member["务工所在地"]) == bool(member["务工时间（月）"])
        if member["务工时间（月）"]:
            assert 1 <= int(member["务工时间（月）"]) <= 12
        for phone in (member["成员联系电话"], member["户联系电话"]):
            assert phone == "" or PHONE.fullmatch(phone)
    assert all(PHONE.fullmatch(phone) for phone in data.households.column("户联系电话").to_pylist())


def test_household_sizes_match_their_members(data: Synthetic) -> None:
    counts = Counter(data.members.column("户编号").to_pylist())
    households = rows(data.households)
    assert len(households) == len(counts) == len({h["户编号"] for h in households})
    for household in households:
        size = int(household["年度家庭人口数"])
        assert 1 <= size <= 9
        assert size == counts[household["户编号"]] == int(household["当前家庭人口数"])
        assert household["户编号"].startswith(household["村代码"])
    sizes = Counter(counts.values())
    assert sizes.most_common(1)[0][0] in (3, 4, 5)


def test_income_identity_holds_exactly(data: Synthetic) -> None:
    columns = layouts()["national_household"].columns
    header = {c.target.removeprefix("income."): c.header for c in columns if c.target.startswith("income.")}
    for household in rows(data.households):
        value = {field: Decimal(household[name]) for field, name in header.items() if household[name]}
        for total, parts in INCOME_PARTS.items():
            assert value[total] == sum(value[part] for part in parts)
        net = sum(value[part] for part in ("wage_income", "business_income", "property_income", "transfer_income"))
        assert value["net_income"] == net - value["business_costs"]
        per_capita = (value["net_income"] / value["household_size"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert value["per_capita_net_income"] == per_capita
        assert household["人均纯收入（元）"] == f"{per_capita:.2f}"


def test_every_coded_value_is_in_its_code_list(data: Synthetic) -> None:
    lists = codelists.load()
    for name, table in (("national_member", data.members), ("national_household", data.households)):
        for column in layouts()[name].columns:
            spec = spec_for(column.target) if column.scope in ("member", "household", "income") else None
            if spec is None or spec.codelist is None:
                continue
            allowed = set(lists[spec.codelist].values)
            found = {v for text in set(table.column(column.header).to_pylist()) if text for v in text.split(",")}
            assert found <= allowed, (column.header, found - allowed)
            if spec.kind == "codes":
                assert all(
                    len(text.split(",")) <= (spec.max_items or 99) for text in table.column(column.header).to_pylist()
                )


def test_villages_are_real_and_under_the_requested_counties(data: Synthetic) -> None:
    units = division_table()
    names = dict(zip(units["code"].to_pylist(), units["name"].to_pylist(), strict=True))
    levels = dict(zip(units["code"].to_pylist(), units["level"].to_pylist(), strict=True))
    for household in rows(data.households):
        code = household["村代码"]
        assert levels[code] == 5
        assert code[:6] in COUNTIES
        path = [names[code[:n].ljust(12, "0")] for n in (2, 4, 6, 9, 12)]
        assert path == [household[level] for level in ("省", "市", "县", "乡", "村")]
    assert {code[:6] for code in data.households.column("村代码").to_pylist()} == set(COUNTIES)


def test_an_unknown_county_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="999999"):
        generate(members=1_000, seed=1, counties=["520526", "999999"])


def test_too_high_a_dirty_share_is_refused() -> None:
    with pytest.raises(ValueError, match="脏数据比例"):
        generate(members=1_000, seed=1, counties=COUNTIES, dirty_share=0.6)


def test_dirty_rows_change_one_cell_each_and_never_a_head() -> None:
    dirty = generate(members=3_000, seed=9, counties=COUNTIES, dirty_share=0.1)
    clean = generate(members=3_000, seed=9, counties=COUNTIES)
    assert dirty.households.equals(clean.households)
    faults = dirty.faults
    assert faults.num_rows == 300
    assert len(set(faults.column("row").to_pylist())) == 300
    assert len(set(faults.column("slug").to_pylist())) >= 14
    changed = {
        (index + 2, header)
        for header in clean.members.column_names
        for index, (before, after) in enumerate(
            zip(clean.members.column(header).to_pylist(), dirty.members.column(header).to_pylist(), strict=True)
        )
        if before != after
    }
    assert changed == set(zip(faults.column("row").to_pylist(), faults.column("field").to_pylist(), strict=True))
    heads = {
        index + 2 for index, relation in enumerate(clean.members.column("与户主关系").to_pylist()) if relation == "户主"
    }
    assert not heads & {row for row, _ in changed}
    for fault in faults.to_pylist():
        index = fault["row"] - 2
        assert clean.members.column(fault["field"])[index].as_py() == fault["good_value"]
        assert dirty.members.column(fault["field"])[index].as_py() == fault["bad_value"]


def test_writers_keep_every_digit_as_text(tmp_path: Path) -> None:
    data = generate(members=1_000, seed=3, counties=COUNTIES)
    csv_path = write_csv(data.members, tmp_path / "人口信息.csv")
    assert csv_path.read_bytes().startswith(b'\xef\xbb\xbf"')
    xlsx_path = write_xlsx(data.members, tmp_path / "人口信息.xlsx", "人口信息")
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_name("人口信息").to_python()
    assert sheet[0] == data.members.column_names
    assert [row[data.members.column_names.index("证件号码")] for row in sheet[1:]] == data.members.column(
        "证件号码"
    ).to_pylist()
    for path in (csv_path, xlsx_path):
        (read,) = read_sheets(path, looks_like_header)
        assert read.table.num_rows == 1_000


def test_a_clean_set_imports_without_a_single_rejection(session: Session, tmp_path: Path) -> None:
    data = generate(members=2_000, seed=21, counties=list(DEMO_COUNTIES), year=2020)
    actor, settings = Actor("test", "system"), load_settings()
    imported = [
        import_file(
            session=session,
            path=write_csv(table, tmp_path / name),
            actor=actor,
            settings=settings,
            scope=Scope.everything(),
        ).sheets[0]
        for table, name in ((data.households, "户信息.csv"), (data.members, "人口信息.csv"))
    ]
    households, members = imported
    assert (households.inserted, households.rejected) == (data.households.num_rows, 0)
    assert (members.inserted, members.rejected, members.households_inserted) == (2_000, 0, 0)
    assert [problem.slug for problem in members.problems] == []


def test_the_command_writes_the_files_and_refuses_bad_options(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    written = runner.invoke(app, ["synth", "--members", "1000", "--dirty", "0.02", "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["人口信息.csv", "户信息.csv", "错误清单.csv"]
    for options, message in (
        (["--members", "999"], "人口数须在 1,000 至 10,000,000 之间"),
        (["--counties", "520526,999999"], "未知的县级区划代码：999999"),
        (["--dirty", "0.6"], "脏数据比例须在 0 至 0.5 之间"),
    ):
        refused = runner.invoke(app, ["synth", *options, "--out", str(tmp_path / "refused")])
        assert refused.exit_code == 2
        assert message in refused.output


def test_the_command_imports_into_the_database(fresh_url: str) -> None:
    result = CliRunner().invoke(app, ["synth", "--members", "1000", "--into-database", "--database", fresh_url])
    assert result.exit_code == 0, result.output
    assert "人口信息：读取 1,000 行，新增 1,000" in result.output
