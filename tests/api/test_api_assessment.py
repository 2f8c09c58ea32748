"""/api/v1 assessments: start as a job (202), runs within the scope (404 outside), counts, a household's verdicts."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.registry import codelists
from fupin.registry.models import Household
from fupin.standards.loader import load_standard_file, shipped_national
from tests.api.test_api_registry import cadre
from tests.factories.households import make_household

ACTOR = Actor("tester", "cli")
OTHER_VILLAGE = "520526100056"
HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}
GOOD = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}


@pytest.fixture
def homes(session: Session) -> dict[str, Household]:
    load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    return {
        "mine": make_household(session, members=[HEAD], income={"per_capita_net_income": 3000.0}, **GOOD),
        "outside": make_household(
            session, members=[HEAD], income={"per_capita_net_income": 9000.0}, division_code=OTHER_VILLAGE, **GOOD
        ),
    }


def test_starting_a_run_queues_a_job_inside_the_scope_only(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    village = cadre(client, session)
    queued = client.post("/api/v1/assessments", json={"year": 2020}, headers=village)
    assert queued.status_code == 202
    job = queued.json()
    assert (job["kind"], job["status"]) == ("assess", "queued")
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=village).json()["kind"] == "assess"
    outside = client.post("/api/v1/assessments", json={"year": 2020, "division": OTHER_VILLAGE}, headers=village)
    assert outside.status_code == 404
    assert outside.json()["errors"][0] == {
        "slug": "division-not-found", "field": "body.division",
        "message": f"区划代码 {OTHER_VILLAGE} 不存在或不在您的数据范围内",
    }  # fmt: skip
    no_lines = client.post("/api/v1/assessments", json={"year": 2031}, headers=village)
    assert (no_lines.status_code, no_lines.json()["errors"][0]["field"]) == (422, "body.year")
    inspector = cadre(client, session, Role.inspector)
    refused = client.post("/api/v1/assessments", json={"year": 2020}, headers=inspector)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["slug"] == "assess-forbidden"


def test_runs_counts_and_a_households_verdicts_are_read_within_the_scope(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    lists = codelists.load(None)
    county_run = assess(session=session, year=2020, scope=Scope.of("520526"), actor=ACTOR, lists=lists)
    other_run = assess(session=session, year=2020, scope=Scope.of(OTHER_VILLAGE), actor=ACTOR, lists=lists)
    village = cadre(client, session)
    listed = client.get("/api/v1/assessments/runs", headers=village).json()
    assert [run["id"] for run in listed if run["id"] in (county_run.id, other_run.id)] == [county_run.id]
    assert listed[0]["households"] is None  # the county's totals are not the village cadre's to see
    detail = client.get(f"/api/v1/assessments/runs/{county_run.id}", headers=village).json()
    assert detail["standard_version"] >= 1
    mine = detail["households_in_scope"]
    assert mine >= 1
    assert detail["meeting_in_scope"] + detail["not_meeting_in_scope"] == mine
    assert {i["code"]: i["failed"] for i in detail["indicators"]}["income"] >= 1
    assert client.get(f"/api/v1/assessments/runs/{other_run.id}", headers=village).status_code == 404
    verdicts = client.get(f"/api/v1/households/{homes['mine'].id}/assessment", headers=village).json()
    assert verdicts["verdicts"][0]["run_id"] == county_run.id
    assert verdicts["verdicts"][0]["failed"] == ["income"]
    assert verdicts["explanation_year"] == 2020
    income = verdicts["explanation"][0]
    assert (income["code"], income["result"], income["result_label"]) == ("income", "not_met", "未达到")
    assert {item["name"]: item["value"] for item in income["inputs"]} == {"per_capita_net_income": 3000.0}
    outside = client.get(f"/api/v1/households/{homes['outside'].id}/assessment", headers=village)
    assert outside.status_code == 404
