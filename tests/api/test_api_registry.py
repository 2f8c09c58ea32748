"""/api/v1 households and members: scope (404 outside), masking, reveal with a reason, edits checked as imports."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import AuditEvent, Changeset
from fupin.registry.models import Household, Member
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.registry import VILLAGE_CODE, citizen_id, family, load_people

OTHER_VILLAGE_CODE = "520526100056"  # 同心社区, same town


@pytest.fixture
def two_villages(session: Session, tmp_path: Path) -> dict[str, int]:
    load_people(session, tmp_path, family("5205261000340001", 3) + family("5205261000560001", 2, 村="同心社区"))
    return {h.division_code: h.id for h in session.scalars(select(Household))}


def cadre(
    client: TestClient, session: Session, role: Role = Role.village, prefix: str = VILLAGE_CODE
) -> dict[str, str]:
    return token_for(client, make_user(session, role=role, scope_prefix=prefix).username)


def test_a_village_cadre_sees_and_reaches_only_their_village(
    client: TestClient, session: Session, two_villages: dict[str, int]
) -> None:
    headers = cadre(client, session)
    listing = client.get("/api/v1/households", headers=headers).json()
    assert [item["division_code"] for item in listing["items"]] == [VILLAGE_CODE]
    assert listing["total"] == 1
    other = two_villages[OTHER_VILLAGE_CODE]
    for method, path in [
        ("GET", f"/api/v1/households/{other}"),
        ("GET", f"/api/v1/households/{other}/members"),
        ("PATCH", f"/api/v1/households/{other}"),
        ("DELETE", f"/api/v1/households/{other}"),
        ("POST", f"/api/v1/households/{other}/reveal"),
        ("POST", f"/api/v1/households/{other}/members"),
    ]:
        body = {"reason": "核对"} if path.endswith("reveal") else {}
        answer = client.request(method, path, headers=headers, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert "李梅" not in answer.text
    other_member = session.scalars(select(Member).where(Member.household_id == other)).first()
    assert other_member is not None
    assert client.patch(f"/api/v1/members/{other_member.id}", headers=headers, json={}).status_code == 404
    assert client.delete(f"/api/v1/members/{other_member.id}", headers=headers).status_code == 404
    searched = client.get("/api/v1/households", headers=headers, params={"q": other_member.id_number}).json()
    assert searched["total"] == 0


def test_lists_and_details_mask_and_reveal_is_audited(
    client: TestClient, session: Session, two_villages: dict[str, int]
) -> None:
    headers = cadre(client, session)
    own = two_villages[VILLAGE_CODE]
    head = session.scalars(select(Member).where(Member.household_id == own, Member.relation == "户主")).one()
    item = client.get("/api/v1/households", headers=headers).json()["items"][0]
    assert item["head_id_number"] == head.id_number[:4] + "*" * 10 + head.id_number[-4:]
    shown = client.get(f"/api/v1/households/{own}", headers=headers).json()
    assert head.id_number not in json.dumps(shown)
    assert shown["household"]["phone"] == "138****0000"
    refused = client.post(f"/api/v1/households/{own}/reveal", headers=headers, json={"reason": " "})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.reason"
    revealed = client.post(f"/api/v1/households/{own}/reveal", headers=headers, json={"reason": "核对低保申请"})
    assert revealed.status_code == 200
    assert revealed.json()["members"][0]["id_number"] == head.id_number
    event, changeset = session.execute(
        select(AuditEvent, Changeset).join(Changeset).where(AuditEvent.action == "reveal")
    ).one()
    assert json.loads(event.after or "")["reason"] == "核对低保申请"
    assert event.household_id == own
    assert changeset.channel == "api"
    viewer = cadre(client, session, Role.viewer, "520526")
    assert client.post(f"/api/v1/households/{own}/reveal", headers=viewer, json={"reason": "看看"}).status_code == 403


def test_edits_answer_with_the_importers_messages_by_field(
    client: TestClient, session: Session, two_villages: dict[str, int]
) -> None:
    headers = cadre(client, session)
    own = two_villages[VILLAGE_CODE]
    answer = client.post(
        f"/api/v1/households/{own}/members",
        headers=headers,
        json={"name": "<b>王五</b>", "relation": "户主", "id_number": "520526196001010011", "education": "小学"},
    )
    assert answer.status_code == 422
    fields = {(e["field"], e["slug"]) for e in answer.json()["errors"]}
    assert ("body.id_number", "id-checksum") in fields
    answer = client.post(
        f"/api/v1/households/{own}/members",
        headers=headers,
        json={"name": "<b>王五</b>", "relation": "之父", "id_number": citizen_id("19500101"), "education": "小学"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "<b>王五</b>"
    assert client.patch(f"/api/v1/households/{own}", headers=headers, json={"water_safe": False}).status_code == 200
    assert client.patch(f"/api/v1/households/{own}", headers=headers, json={"nope": 1}).status_code == 422
    flagged = client.get("/api/v1/households", headers=headers, params={"flag": "water_insecure"}).json()
    assert flagged["total"] == 1


def test_inspectors_may_look_but_not_change(client: TestClient, session: Session, two_villages: dict[str, int]) -> None:
    headers = cadre(client, session, Role.inspector, "520526")
    own = two_villages[VILLAGE_CODE]
    assert client.get(f"/api/v1/households/{own}", headers=headers).status_code == 200
    answer = client.patch(f"/api/v1/households/{own}", headers=headers, json={"main_cause": "因病"})
    assert answer.status_code == 403
    assert "只允许查看" in answer.json()["errors"][0]["message"]
    assert client.delete(f"/api/v1/households/{own}", headers=headers).status_code == 403


def test_the_openapi_schema_documents_every_registry_field(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/households": {"get"},
        "/api/v1/households/{household_id}": {"get", "patch", "delete"},
        "/api/v1/households/{household_id}/members": {"get", "post"},
        "/api/v1/members/{member_id}": {"patch", "delete"},
        "/api/v1/households/{household_id}/reveal": {"post"},
    }.items():
        assert methods <= set(paths[path]), path
    patch = schema["components"]["schemas"]["HouseholdPatch"]["properties"]
    assert patch["main_cause"]["description"].startswith("主要致贫原因；可选值：因病")
    assert "id_number" in schema["components"]["schemas"]["MemberPatch"]["properties"]
    assert all(prop.get("description") for prop in schema["components"]["schemas"]["MemberOut"]["properties"].values())
