"""退出评估 pages: the report, its workbook and printable view, the population page, and 404 outside the scope."""

import io

from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.exit import COUNTY, OTHER_VILLAGE, build_county
from tests.factories.registry import VILLAGE_CODE
from tests.factories.web import csrf_token, sign_in


def signed_in(client: TestClient, session: Session, role: Role, scope: str) -> None:
    user = make_user(session, role=role, scope_prefix=scope)
    assert sign_in(client, user.username, PASSWORD).status_code == 303


def test_the_county_report_shows_the_checks_estimates_and_blocking_households(
    client: TestClient, session: Session
) -> None:
    county = build_county(session)
    signed_in(client, session, Role.county, "520526")
    page = client.get(f"/exit/{COUNTY}")
    assert page.status_code == 200
    for text in ("威宁彝族回族苗族自治县退出评估", "未达到退出条件", "综合贫困发生率", "39.67%", "44.44%", "38.46%",
                 "77.78%", "阻碍退出的户（3 户）", "疑似错退", "本次评估未覆盖该户", "打印版"):  # fmt: skip
        assert text in page.text, text
    a1 = county.households["a1"]
    assert f'href="/households/{a1.id}"' in page.text
    assert f'href="/exit/{OTHER_VILLAGE}?year=2020"' in page.text  # the villages' own incidence, linked
    assert "退出评估" in client.get("/").text  # the menu


def test_the_workbook_and_the_printable_view_carry_the_same_report(client: TestClient, session: Session) -> None:
    county = build_county(session)
    signed_in(client, session, Role.county, "520526")
    answer = client.get(f"/exit/{COUNTY}/report.xlsx")
    assert answer.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.content))
    assert book.sheet_names == ["汇总", "阻碍退出的户", "各村"]
    villages = book.get_sheet_by_name("各村").to_python()
    assert villages[1] == [VILLAGE_CODE, "东山社区居民委员会", "3", "200", "1.50%", "达标"]
    summary = dict(book.get_sheet_by_name("汇总").to_python()[1:])
    assert summary["结论"] == "未达到退出条件"
    assert summary["错退率"].startswith("44.44%（标准 < 2.00%，未达标）")
    blocking = book.get_sheet_by_name("阻碍退出的户").to_python()
    assert sorted(row[0] for row in blocking[1:]) == sorted(
        county.households[name].household_number for name in ("a1", "a3", "b1")
    )
    printable = client.get(f"/exit/{COUNTY}/print")
    assert printable.status_code == 200
    assert "@media print" in printable.text
    assert "主菜单" not in printable.text
    assert county.households["a3"].household_number in printable.text


def test_a_village_cadre_sees_the_own_village_and_404_elsewhere(client: TestClient, session: Session) -> None:
    build_county(session)
    signed_in(client, session, Role.village, VILLAGE_CODE)
    assert client.get("/exit").headers["location"] == f"/exit/{VILLAGE_CODE}"
    page = client.get(f"/exit/{VILLAGE_CODE}")
    assert page.status_code == 200
    assert "1.50%" in page.text
    assert f'href="/exit/{COUNTY}"' not in page.text  # the county lies outside a village cadre's scope
    for path in (f"/exit/{OTHER_VILLAGE}", f"/exit/{COUNTY}", f"/exit/{COUNTY}/report.xlsx",
                 f"/exit/{OTHER_VILLAGE}/print", "/exit/520526100000", "/exit/abc"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_the_population_page_lists_the_scope_and_takes_an_upload(client: TestClient, session: Session) -> None:
    build_county(session)
    signed_in(client, session, Role.village, VILLAGE_CODE)
    listing = client.get("/population")
    assert "东山社区" in listing.text
    assert "同心社区" not in listing.text
    upload = "村代码,年度,农村人口\n520526100034,2021,1300\n520526100056,2021,99\n".encode()
    page = client.get("/population")
    answer = client.post(
        "/population", data={"csrf_token": csrf_token(page.text)}, files={"file": ("人口.csv", upload, "text/csv")}
    )
    assert answer.status_code == 200
    assert "新增 1" in answer.text
    assert "该村不在您的录入范围内" in answer.text
    assert "1,300" in client.get("/population?year=2021").text
