"""The dashboard and the division pages show the verdict roll-ups of the unit and its children; 404 outside scope."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.assessment import VERDICTS, stored_run
from tests.factories.web import sign_in

WEINING, CAOHAI = "520526000000", "520526100000"


def test_the_county_dashboard_shows_its_verdicts_and_its_townships(client: TestClient, session: Session) -> None:
    stored_run(session, "", VERDICTS)
    user = make_user(session, role=Role.county, scope_prefix="520526")
    sign_in(client, user.username, PASSWORD)
    page = client.get("/").text
    assert "评估结果（2020年）" in page
    for label in ("已评估户数", "达到退出标准", "未达到退出标准", "待定（信息不全）", "多维贫困指数 M0"):
        assert label in page
    assert "<dd>7</dd>" in page  # the county's 7 households assessed (A, B and C)
    assert "<dd>3 户</dd>" in page  # meeting and failing: 3 each
    assert "收入稳定超过现行标准" in page  # failures by indicator, named from the standard
    assert "26.92%" not in page  # the country's H (7/26) is outside the scope
    assert f"{7 / 18 * 100:.2f}%" in page  # the county's H: 7 poor people of 18
    assert 'id="chart-verdicts" data-src="/dashboard/520526000000/verdicts?year=2020"' in page
    assert "草海镇" in page
    chart = client.get(f"/dashboard/{WEINING}/verdicts").json()
    caohai = next(c for c in chart["children"] if c["unit"]["code"] == CAOHAI)
    assert (caohai["figures"]["households"], caohai["figures"]["meeting_households"]) == (6, 3)


def test_the_division_page_shows_the_units_verdicts(client: TestClient, session: Session) -> None:
    stored_run(session, "", VERDICTS)
    user = make_user(session, role=Role.admin, scope_prefix="5205")
    sign_in(client, user.username, PASSWORD)
    page = client.get(f"/divisions/{CAOHAI}").text
    assert "评估结果（2020年）" in page
    assert "<dd>6</dd>" in page
    assert "住房安全有保障" in page
    assert "下级单位评估结果" in page
    assert "<dd>9</dd>" in client.get("/divisions?year=2020").text  # the scope root 毕节市: all nine households
    assert "尚无评估结果" in client.get(f"/divisions/{CAOHAI}?year=2019").text


def test_out_of_scope_verdicts_are_404(client: TestClient, session: Session) -> None:
    stored_run(session, "", VERDICTS)
    user = make_user(session, role=Role.county, scope_prefix="520526")
    sign_in(client, user.username, PASSWORD)
    for path in ("/dashboard/520527000000/verdicts", "/dashboard/000000000000/verdicts", "/divisions/520527000000"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "达到退出标准" not in answer.text
