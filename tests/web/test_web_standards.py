"""扶贫标准 page: everyone reads the current version and its history; administrators edit, by field, with CSRF."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import Actor
from fupin.standards import service
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.standards.models import StandardSet
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.registry import VILLAGE_CODE
from tests.factories.web import csrf_token, sign_in


@pytest.fixture
def loaded(session: Session) -> StandardSet:
    return load_standard_file(session=session, path=shipped_national(), actor=Actor("tester", "cli"))


def signed_in(client: TestClient, session: Session, role: Role, prefix: str = "") -> str:
    user = make_user(session, role=role, scope_prefix=prefix)
    sign_in(client, user.username, PASSWORD)
    return user.username


def test_everyone_reads_the_standard_with_unconfirmed_marks_but_only_admins_get_forms(
    client: TestClient, session: Session, loaded: StandardSet
) -> None:
    signed_in(client, session, Role.village, VILLAGE_CODE)
    answer = client.get("/standards")
    assert answer.status_code == 200
    assert "扶贫标准" in answer.text
    assert "未核实" in answer.text  # 2017–2019 lines are marked unconfirmed in the shipped file
    assert "饮水安全有保障" in answer.text
    assert "water_quantity_min" in answer.text
    assert 'action="/standards/indicators"' not in answer.text
    assert "只有系统管理员可以修改标准" in answer.text
    token = csrf_token(answer.text)
    refused = client.post("/standards/exit", data={"csrf_token": token, "approval_min": "0.95"})
    assert refused.status_code == 403
    assert service.current(session=session).id == loaded.id


def test_an_admin_edits_an_indicator_and_the_history_shows_who_and_what(
    client: TestClient, session: Session, loaded: StandardSet
) -> None:
    admin = signed_in(client, session, Role.admin)
    page = client.get("/standards")
    assert 'action="/standards/indicators"' in page.text
    form = {"csrf_token": csrf_token(page.text), "code": "drinking_water", "param.water_quantity_min": "35",
            "weight": "0.2", "required_for_exit": "true"}  # fmt: skip
    saved = client.post("/standards/indicators", data=form)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/standards?saved={loaded.version + 1}"
    current = service.current(session=session)
    assert current.version == loaded.version + 1
    water = next(i for i in service.indicators(session=session, standard=current) if i.code == "drinking_water")
    assert water.parameters == {"water_quantity_min": 35.0}
    shown = client.get(saved.headers["location"]).text
    assert f"已保存为第{current.version}版" in shown
    history = shown.split('id="versions"')[1]
    assert admin in history
    assert "water_quantity_min" in history
    assert "20.0 → 35.0" in history
    old = client.get(f"/standards/versions/{loaded.id}")
    assert old.status_code == 200
    assert f"第{loaded.version}版" in old.text
    assert 'action="/standards/indicators"' not in old.text  # an old version is read-only
    assert client.get("/standards/versions/99999999").status_code == 404


def test_a_bad_value_comes_back_beside_its_field_and_nothing_is_saved(
    client: TestClient, session: Session, loaded: StandardSet
) -> None:
    signed_in(client, session, Role.admin)
    token = csrf_token(client.get("/standards").text)
    answer = client.post("/standards/lines", data={"csrf_token": token, "year": "2020", "province_code": "00",
                                                   "identification_line": "4000", "exit_line": "四千"})  # fmt: skip
    assert answer.status_code == 422
    assert 'data-field="exit_line">须为数值' in answer.text
    assert 'value="四千"' in answer.text  # the typed value comes back
    answer = client.post("/standards/indicators", data={"csrf_token": token, "code": "compulsory_education",
                                                        "param.school_age_max": "15.5"})  # fmt: skip
    assert answer.status_code == 422
    assert 'data-field="parameters.school_age_max">须为整数' in answer.text
    unchanged = client.post("/standards/exit", data={"csrf_token": token, "approval_min": "0.9"})
    assert unchanged.status_code == 422
    assert "没有任何改动" in unchanged.text
    no_token = client.post("/standards/exit", data={"approval_min": "0.95"})
    assert no_token.status_code == 403
    assert service.current(session=session).id == loaded.id
    line = client.post("/standards/lines", data={"csrf_token": token, "year": "2021", "province_code": "52",
                                                 "identification_line": "4100", "exit_line": "4200",
                                                 "confirmed": "false", "source": "省定"})  # fmt: skip
    assert line.status_code == 303
    shown = client.get("/standards").text
    assert "<td>2021</td><td>52</td>" in shown


def test_without_a_standard_the_page_says_how_to_load_one(client: TestClient, session: Session) -> None:
    if service.find_current(session=session) is not None:
        pytest.skip("a standard is already loaded in this database")
    signed_in(client, session, Role.viewer, VILLAGE_CODE)
    answer = client.get("/standards")
    assert answer.status_code == 200
    assert "fupin standards load" in answer.text
