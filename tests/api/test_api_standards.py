"""/api/v1/standards: read the current standard and its versions; administrators edit, errors by field."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import Actor
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.standards.models import StandardSet
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.registry import VILLAGE_CODE


@pytest.fixture
def loaded(session: Session) -> StandardSet:
    return load_standard_file(session=session, path=shipped_national(), actor=Actor("tester", "cli"))


def headers(client: TestClient, session: Session, role: Role, prefix: str = "") -> dict[str, str]:
    return token_for(client, make_user(session, role=role, scope_prefix=prefix).username)


def test_anyone_reads_the_current_standard_and_its_versions(
    client: TestClient, session: Session, loaded: StandardSet
) -> None:
    viewer = headers(client, session, Role.viewer, VILLAGE_CODE)
    current = client.get("/api/v1/standards/current", headers=viewer).json()
    assert (current["id"], current["version"], current["is_current"]) == (loaded.id, loaded.version, True)
    assert {line["year"]: line["confirmed"] for line in current["poverty_lines"]}[2018] is False
    water = next(item for item in current["indicators"] if item["code"] == "drinking_water")
    assert water["parameters"] == {"water_quantity_min": 20.0}
    assert current["exit_criteria"]["approval_min"] == 0.9
    versions = client.get("/api/v1/standards/versions", headers=viewer).json()
    assert versions[0]["id"] == loaded.id
    assert versions[0]["created_by"] == "tester"
    one = client.get(f"/api/v1/standards/versions/{loaded.id}", headers=viewer)
    assert one.json()["indicators"] == current["indicators"]
    missing = client.get("/api/v1/standards/versions/99999999", headers=viewer)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["slug"] == "standard-not-found"


def test_admins_edit_and_get_the_new_version_others_are_refused(
    client: TestClient, session: Session, loaded: StandardSet
) -> None:
    county = headers(client, session, Role.county, "520526")
    body = {"code": "drinking_water", "parameters": {"water_quantity_min": 35}}
    refused = client.patch("/api/v1/standards/current/indicator", json=body, headers=county)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["slug"] == "standards-forbidden"
    admin = headers(client, session, Role.admin)
    edited = client.patch("/api/v1/standards/current/indicator", json=body, headers=admin)
    assert edited.status_code == 200, edited.text
    new = edited.json()
    assert new["version"] == loaded.version + 1
    assert new["changes"] == [
        {"entity": "indicator", "key": "drinking_water", "label": "指标",
         "before": {"parameters": {"water_quantity_min": 20.0}}, "after": {"parameters": {"water_quantity_min": 35.0}}}
    ]  # fmt: skip
    line = client.patch(
        "/api/v1/standards/current/poverty-line",
        json={"year": 2020, "province_code": "00", "exit_line": 4100},
        headers=admin,
    )
    assert line.status_code == 200
    assert {(x["year"], x["province_code"]): x["exit_line"] for x in line.json()["poverty_lines"]}[(2020, "00")] == 4100
    band = client.patch(
        "/api/v1/standards/current/monitoring-range",
        json={"year": 2023, "province_code": "52", "income_ceiling": 7000, "confirmed": False},
        headers=admin,
    )
    assert band.status_code == 200
    exit_ = client.patch("/api/v1/standards/current/exit-criteria", json={"missed_max": 0.01}, headers=admin)
    assert exit_.json()["exit_criteria"]["missed_max"] == 0.01


@pytest.mark.parametrize(
    ("path", "body", "slug", "field"),
    [
        ("indicator", {"code": "income", "parameters": {"nope": 1}}, "standard-field", "parameters.nope"),
        ("indicator", {"code": "zzz", "weight": 0.1}, "indicator-not-found", "body.code"),
        ("indicator", {"code": "income", "weight": 3}, "out-of-range", "body.weight"),
        ("poverty-line", {"year": 2020, "province_code": "99", "exit_line": 1}, "standard-field", "body.province_code"),
        ("exit-criteria", {"approval_min": 0.9}, "standard-unchanged", None),
    ],
)
def test_bad_edits_answer_422_by_field(
    client: TestClient, session: Session, loaded: StandardSet, path: str, body: dict[str, object], slug: str,
    field: str | None,
) -> None:  # fmt: skip
    admin = headers(client, session, Role.admin)
    answer = client.patch(f"/api/v1/standards/current/{path}", json=body, headers=admin)
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert (error["slug"], error["field"]) == (slug, field)
