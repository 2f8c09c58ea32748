import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Actor
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.exporter import export
from fupin.registry.importer import ImportResult, import_file
from fupin.registry.models import Household, Income
from fupin.tabular.layout import layouts
from tests.factories.registry import VILLAGE, family, write_csv

ACTOR = Actor("tester", "import")


def household_row(number: str, **values: str) -> dict[str, str]:
    row = {
        **VILLAGE,
        "户编号": number,
        "户主姓名": "张大",
        "户主证件号码": "",
        "年度": "2020",
        "户类型": "脱贫户",
        "监测对象类别": "",
        "贫困户状态": "已脱贫",
        "主要致贫原因": "因病",
        "其他致贫原因": "缺技术,缺资金",
        "是否军烈属": "否",
        "工资性收入": "12000",
        "公益性岗位收入": "2000",
        "其他工资性收入": "10000",
        "生产经营性收入": "3000",
        "财产性收入": "500",
        "资产收益扶贫分红收入": "500",
        "其他财产性收入（旧指标）": "0",
        "转移性收入": "1500",
        "养老金或离退休金": "1500",
        "计划生育金": "0",
        "生态补偿金": "0",
        "最低生活保障金": "0",
        "特困人员救助供养金": "0",
        "其他转移性收入": "0",
        "生产经营性支出（合计）": "1000",
        "专项用于减少生产经营性支出的补贴": "0",
        "纯收入（元）": "16000",
        "年度家庭人口数": "4",
        "人均纯收入（元）": "4000",
        "耕地面积（亩）": "3.5",
        "林地面积": "1",
        "退耕还林面积": "0",
        "林果面积": "0",
        "牧草地面积": "0",
        "水面面积": "0",
        "入户路类型": "水泥路",
        "与村主干路距离": "0.5",
        "是否通生活用电": "是",
        "是否通生产用电": "是",
        "是否通广播电视": "是",
        "是否解决安全饮用水": "是",
        "是否有卫生厕所": "是",
        "主要燃料类型": "电",
        "是否危房户": "否",
        "住房面积": "96",
        "是否加入农民专业合作组织": "是",
        "是否有龙头企业带动": "否",
        "是否有创业致富带头人带动": "否",
    }
    row.update(values)
    return row


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    headers = [c.header for c in layouts()["national_household"].columns if c.header != "村代码"]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([row.get(h, "") for h in headers] for row in rows)
    return path


def run(session: Session, path: Path) -> ImportResult:
    return import_file(
        session=session, path=path, actor=ACTOR, settings=Settings(), scope=Scope.everything(), today=date(2026, 11, 23)
    )


def test_household_rows_store_fields_and_one_year_of_income(session: Session, tmp_path: Path) -> None:
    result = run(session, write(tmp_path / "h.csv", [household_row("5205261000340001")])).sheets[0]
    assert (result.read, result.inserted, result.rejected) == (1, 1, 0)
    household = session.scalars(select(Household)).one()
    assert (household.main_cause, household.other_causes, household.cultivated_land_mu) == (
        "因病",
        "缺技术,缺资金",
        3.5,
    )
    income = session.scalars(select(Income)).one()
    assert (income.year, income.net_income, income.per_capita_net_income) == (2020, 16000, 4000)


def test_income_identities_are_checked(session: Session, tmp_path: Path) -> None:
    rows = [
        household_row("5205261000340001", 工资性收入="13000"),
        household_row("5205261000340002", **{"纯收入（元）": "20000"}),
        household_row("5205261000340003", **{"人均纯收入（元）": "5000"}),
        household_row("5205261000340004", **{"纯收入（元）": "", "人均纯收入（元）": ""}),
    ]
    result = run(session, write(tmp_path / "h.csv", rows)).sheets[0]
    found = {(p.location.row, p.slug) for p in result.problems}
    assert found == {
        (2, "income-parts-mismatch"),
        (2, "net-income-mismatch"),
        (3, "net-income-mismatch"),
        (3, "per-capita-mismatch"),
        (4, "per-capita-mismatch"),
    }
    income = session.scalars(select(Income)).one()
    assert (income.net_income, income.per_capita_net_income) == (16000, 4000)


def test_household_file_then_member_file_then_round_trip(session: Session, tmp_path: Path) -> None:
    run(session, write(tmp_path / "h.csv", [household_row("5205261000340001")]))
    members = run(session, write_csv(tmp_path / "m.csv", family("5205261000340001", 4))).sheets[0]
    assert (members.inserted, members.households_inserted, members.households_updated) == (4, 0, 1)
    out = tmp_path / "h-out.csv"
    export(session=session, scope=Scope.everything(), layout_name="national_household", path=out)
    again = run(session, out).sheets[0]
    assert (again.unchanged, again.updated, again.rejected) == (1, 0, 0)
