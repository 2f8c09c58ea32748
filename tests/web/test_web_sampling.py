"""评估抽样 pages: draw a sample through the form, fill a household's survey, upload the sheet, read the estimates."""

import io
from pathlib import Path

import xlsxwriter
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.assessment.exit_models import Sample, SampleHousehold
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.exit import COUNTY, build_county
from tests.factories.registry import VILLAGE_CODE
from tests.factories.web import csrf_token, sign_in


def signed_in(client: TestClient, session: Session, role: Role, scope: str) -> str:
    user = make_user(session, role=role, scope_prefix=scope)
    assert sign_in(client, user.username, PASSWORD).status_code == 303
    return csrf_token(client.get("/samples").text)


def test_the_draw_form_stores_a_sample_and_refuses_bad_parameters_by_field(
    client: TestClient, session: Session
) -> None:
    build_county(session, surveyed=False)
    token = signed_in(client, session, Role.county, "520526")
    form = {"csrf_token": token, "county": "520526", "year": "2020", "seed": "7", "margin": "0.3",
            "confidence": "0.95", "villages": "2"}  # fmt: skip
    answer = client.post("/samples", data=form)
    assert answer.status_code == 303
    sample_id = int(answer.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/samples/{sample_id}")
    assert page.status_code == 200
    assert "已脱贫户" in page.text
    assert "非建档立卡户" in page.text
    bad = client.post("/samples", data={**form, "margin": "2", "county": "abc"})
    assert bad.status_code == 422
    assert "允许误差填写有误" in bad.text
    assert "县代码填写有误" in bad.text
    elsewhere = client.post("/samples", data={**form, "county": "522633"})
    assert elsewhere.status_code == 422
    assert "不在您的数据范围内" in elsewhere.text


def test_a_household_survey_is_saved_by_form_and_the_sheet_round_trips(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    county = build_county(session, surveyed=False)
    token = signed_in(client, session, Role.county, "520526")
    sample = county.sample
    a2 = county.households["a2"]
    form_page = client.get(f"/samples/{sample.id}?household={a2.id}")
    assert "填写调查结果" in form_page.text
    form = {"csrf_token": token, "household_id": str(a2.id), "wrongly_exited": "否", "approves": "是", "people": "2",
            "surveyor": "王调查", "surveyed_on": "2020-06-15"}  # fmt: skip
    assert client.post(f"/samples/{sample.id}/survey", data=form).status_code == 303
    saved = session.scalars(select(SampleHousehold).where(SampleHousehold.household_id == a2.id)).one()
    session.refresh(saved)
    assert (saved.wrongly_exited, saved.approves, saved.surveyor) == (False, True, "王调查")
    bad_count = client.post(f"/samples/{sample.id}/survey", data={**form, "people": "x"})
    assert bad_count.status_code == 422
    assert "调查人数填写有误" in bad_count.text
    wrong_stratum = client.post(f"/samples/{sample.id}/survey", data={**form, "missed": "是"})
    assert wrong_stratum.status_code == 422
    assert "只有非建档立卡户填写是否漏评" in wrong_stratum.text

    sheet = client.get(f"/samples/{sample.id}/survey.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_index(0).to_python()
    header = [str(cell) for cell in rows[0]]
    path = tmp_path / "填好.xlsx"
    book = xlsxwriter.Workbook(str(path))
    out = book.add_worksheet()
    out.write_row(0, 0, header)
    a3 = county.households["a3"].household_number
    for r, row in enumerate(rows[1:], start=1):
        cells = [str(cell) for cell in row]
        if cells[0] == a3:
            cells[header.index("是否错退")], cells[header.index("是否认可")] = "是", "否"
        out.write_row(r, 0, cells)
    book.close()
    upload = client.post(
        f"/samples/{sample.id}/results",
        data={"csrf_token": token},
        files={"file": ("填好.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert upload.status_code == 200
    assert "保存 2" in upload.text  # a2 (already saved, unchanged values) and a3
    estimates = client.get(f"/samples/{sample.id}").text
    assert "已调查 2 户" in estimates


def test_samples_outside_the_scope_are_404_and_viewers_cannot_record(client: TestClient, session: Session) -> None:
    county = build_county(session, surveyed=False)
    signed_in(client, session, Role.village, VILLAGE_CODE)
    sample_id = county.sample.id
    assert client.get(f"/samples/{sample_id}").status_code == 404
    assert client.get(f"/samples/{sample_id}/survey.xlsx").status_code == 404
    assert f"/samples/{sample_id}" not in client.get("/samples").text
    other = TestClient(client.app, follow_redirects=False)
    token = signed_in(other, session, Role.viewer, "520526")
    assert other.get(f"/samples/{sample_id}").status_code == 200
    answer = other.post(f"/samples/{sample_id}/survey", data={"csrf_token": token, "household_id": "1"})
    assert answer.status_code == 403
    assert session.scalar(select(Sample.id).where(Sample.county_code == COUNTY)) == sample_id
