"""/api/v1/exit, /population and /samples: the report as JSON, draws, survey answers, uploads, and scope."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.exit import COUNTY, OTHER_VILLAGE, build_county
from tests.factories.registry import VILLAGE_CODE


def bearer(client: TestClient, session: Session, role: Role, scope: str) -> dict[str, str]:
    return token_for(client, make_user(session, role=role, scope_prefix=scope).username)


def test_the_county_report_as_json(client: TestClient, session: Session) -> None:
    county = build_county(session)
    headers = bearer(client, session, Role.county, "520526")
    body = client.get(f"/api/v1/exit/{COUNTY}", headers=headers).json()
    assert (body["poor_people"], body["exited_people"], body["rural_population"], body["ready"]) == (5, 9, 300, False)
    checks = {c["name"]: (c["value"], c["passed"]) for c in body["checks"]}
    assert checks["综合贫困发生率"] == (pytest.approx(119 / 300), False)
    assert body["estimates"]["approval"]["rate"] == pytest.approx(7 / 9)
    assert body["blocking_total"] == 3
    assert [(v["code"], v["rural_population"], v["incidence"]["passed"]) for v in body["villages"]] == [
        (VILLAGE_CODE, 200, True),
        (OTHER_VILLAGE, 100, True),
    ]
    assert body["blocking"][0]["household_id"] == county.households["a1"].id
    workbook = client.get(f"/api/v1/exit/{COUNTY}/report.xlsx", headers=headers)
    assert workbook.status_code == 200
    assert workbook.content.startswith(b"PK")


def test_out_of_scope_codes_and_samples_are_404(client: TestClient, session: Session) -> None:
    county = build_county(session)
    headers = bearer(client, session, Role.village, VILLAGE_CODE)
    assert client.get(f"/api/v1/exit/{VILLAGE_CODE}", headers=headers).status_code == 200
    for path in (f"/api/v1/exit/{OTHER_VILLAGE}", f"/api/v1/exit/{COUNTY}", f"/api/v1/samples/{county.sample.id}",
                 f"/api/v1/samples/{county.sample.id}/survey.xlsx"):  # fmt: skip
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404, path
        assert answer.json()["errors"][0]["slug"] in {"division-not-found", "sample-not-found"}
    assert client.get("/api/v1/samples", headers=headers).json() == []
    rows = client.get("/api/v1/population", headers=headers).json()
    assert [row["division_code"] for row in rows] == [VILLAGE_CODE]


def test_draw_record_and_upload_through_the_api(client: TestClient, session: Session) -> None:
    county = build_county(session, surveyed=False)
    headers = bearer(client, session, Role.county, "520526")
    drawn = client.post(
        "/api/v1/samples",
        headers=headers,
        json={"county_code": COUNTY, "year": 2020, "seed": 5, "margin": 0.3, "confidence": 0.9, "villages": 2},
    )
    assert drawn.status_code == 201
    detail = client.get(f"/api/v1/samples/{drawn.json()['id']}", headers=headers).json()
    assert detail["households"]
    assert all(0 < h["village_probability"] <= 1 for h in detail["households"])
    a4 = county.households["a4"].id
    path = f"/api/v1/samples/{county.sample.id}/households/{a4}"
    refused = client.put(path, headers=headers, json={"wrongly_exited": True, "approves": True})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.wrongly_exited"
    saved = client.put(path, headers=headers, json={"missed": True, "approves": True, "people": 5})
    assert saved.status_code == 200
    assert saved.json()["missed"] is True
    estimates = client.get(f"/api/v1/samples/{county.sample.id}", headers=headers).json()["estimates"]
    assert estimates["missed"]["rate"] == pytest.approx(1.0)
    sheet = "户编号,是否错退,是否漏评,是否认可\nX1,,,是\n".encode()
    upload = client.post(
        f"/api/v1/samples/{county.sample.id}/results", headers=headers, files={"file": ("r.csv", sheet, "text/csv")}
    )
    assert upload.status_code == 200
    assert (upload.json()["rejected"], upload.json()["problems"][0]["slug"]) == (1, "not-in-sample")
    viewer = bearer(client, session, Role.viewer, "520526")
    assert client.put(path, headers=viewer, json={"approves": True}).status_code == 403
    elsewhere = client.post(
        "/api/v1/samples", headers=headers, json={"county_code": "522633000000", "year": 2020, "seed": 1}
    )
    assert elsewhere.status_code == 404
