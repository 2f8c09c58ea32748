"""农户 pages: scope, masking and reveal, edits with the importer's messages, soft deletes, export, CSRF, escaping."""

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import Actor, AuditEvent, Changeset
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry.importer import import_file
from fupin.registry.models import Assistance, Helper, Household, Member
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.registry import VILLAGE_CODE, citizen_id, family, load_people
from tests.factories.web import csrf_token, sign_in

OTHER_VILLAGE_CODE = "520526100056"
INJECTIONS = ("'; DROP TABLE registry_household; --", '<script>alert("x")</script>', "%' OR '1'='1", "张%_\\")


@pytest.fixture
def homes(session: Session, tmp_path: Path) -> dict[str, Household]:
    load_people(session, tmp_path, family("5205261000340001", 3) + family("5205261000560001", 2, 村="同心社区"))
    return {h.division_code: h for h in session.scalars(select(Household))}


def signed_in(client: TestClient, session: Session, role: Role = Role.village, prefix: str = VILLAGE_CODE) -> None:
    sign_in(client, make_user(session, role=role, scope_prefix=prefix).username, PASSWORD)


def post(client: TestClient, path: str, data: dict[str, str], token_from: str) -> object:
    return client.post(path, data={**data, "csrf_token": csrf_token(client.get(token_from).text)})


def test_a_village_cadre_never_sees_or_reaches_another_village(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    signed_in(client, session)
    listing = client.get("/households")
    assert listing.status_code == 200
    assert "5205261000340001" in listing.text
    assert "5205261000560001" not in listing.text
    other = homes[OTHER_VILLAGE_CODE]
    other_member = session.scalars(select(Member).where(Member.household_id == other.id)).first()
    assert other_member is not None
    for path in (
        f"/households/{other.id}",
        f"/households/{other.id}/edit",
        f"/households/{other.id}/delete",
        f"/households/{other.id}/members/new",
        f"/members/{other_member.id}/edit",
        f"/members/{other_member.id}/remove",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client.get("/households").text)
    for path in (
        f"/households/{other.id}/reveal",
        f"/households/{other.id}/delete",
        f"/members/{other_member.id}/remove",
    ):
        assert client.post(path, data={"csrf_token": token, "reason": "核对"}).status_code == 404, path
    for search in (other_member.id_number, other_member.id_number[-6:], other_member.name, other.household_number):
        found = client.get("/households", params={"q": search})
        assert f'href="/households/{other.id}"' not in found.text
    assert "共 0 户" in client.get("/households", params={"q": other_member.id_number}).text
    assert f'href="/households/{other.id}"' not in client.get("/households", params={"division": "520526100"}).text
    assert "没有符合条件的农户" in client.get("/households", params={"village": OTHER_VILLAGE_CODE}).text


def test_filters_sorting_and_paging(client: TestClient, session: Session, homes: dict[str, Household]) -> None:
    signed_in(client, session, Role.county, "520526")
    both = client.get("/households", params={"sort": "household_number", "desc": "true"}).text
    assert both.index("5205261000560001") < both.index("5205261000340001")
    assert "共 2 户" in both
    head = session.scalars(select(Member).where(Member.household_id == homes[VILLAGE_CODE].id)).first()
    assert head is not None
    for search in (head.id_number, head.id_number[-4:], head.name[:1]):
        assert "5205261000340001" in client.get("/households", params={"q": search}).text
    paged = client.get("/households", params={"limit": "1"}).text
    assert "下一页" in paged
    assert "共 2 条" in paged
    assert client.get("/households", params={"sort": "name; DROP"}).status_code == 422


def test_ids_are_masked_until_revealed_with_a_reason(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    signed_in(client, session)
    household = homes[VILLAGE_CODE]
    head = session.scalars(select(Member).where(Member.household_id == household.id, Member.relation == "户主")).one()
    masked = head.id_number[:4] + "**********" + head.id_number[-4:]
    for path in ("/households", f"/households/{household.id}"):
        text = client.get(path).text
        assert head.id_number not in text
        assert masked in text
    page = f"/households/{household.id}"
    refused = post(client, f"/households/{household.id}/reveal", {"reason": ""}, page)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "须填写事由" in refused.text  # type: ignore[attr-defined]
    shown = post(client, f"/households/{household.id}/reveal", {"reason": "入户核实身份"}, page)
    assert head.id_number in shown.text  # type: ignore[attr-defined]
    event, changeset = session.execute(
        select(AuditEvent, Changeset).join(Changeset).where(AuditEvent.action == "reveal")
    ).one()
    assert json.loads(event.after or "")["reason"] == "入户核实身份"
    assert (changeset.channel, event.household_id) == ("web", household.id)
    assert changeset.origin is not None
    assert head.id_number not in client.get(page).text  # the next visit is masked again


def test_assistance_and_cadres_are_shown_with_the_cadres_phone_masked_until_revealed(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    household = homes[VILLAGE_CODE]
    stamp = household.created_changeset_id
    owned = {"household_id": household.id, "created_changeset_id": stamp, "updated_changeset_id": stamp}
    session.add_all(
        [
            Assistance(**owned, category="产业扶持", detail="养牛 <2头>", year=2019, amount=3000.0),
            Assistance(**owned, category="教育资助", detail=None, year=None, amount=None),
            Helper(**owned, name="王帮扶", work_unit="县农业局", position=None, phone="13800001234"),
        ]
    )
    session.commit()
    signed_in(client, session)
    page = f"/households/{household.id}"
    text = client.get(page).text
    assert "2019 产业扶持 养牛 &lt;2头&gt;（3000.0 元）</li>" in text
    assert "<li> 教育资助 </li>" in text
    assert "王帮扶 县农业局  138****1234</li>" in text
    assert "13800001234" not in text
    shown = post(client, f"{page}/reveal", {"reason": "电话回访帮扶责任人"}, page)
    assert "王帮扶 县农业局  13800001234</li>" in shown.text  # type: ignore[attr-defined]


def test_viewers_cannot_reveal_export_or_edit(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    signed_in(client, session, Role.viewer, "520526")
    household = homes[VILLAGE_CODE]
    assert client.get(f"/households/{household.id}").status_code == 200
    assert client.get(f"/households/{household.id}/edit").status_code == 403
    assert client.get("/households/export").status_code == 403
    answer = post(client, f"/households/{household.id}/reveal", {"reason": "好奇"}, f"/households/{household.id}")
    assert answer.status_code == 403  # type: ignore[attr-defined]


def test_a_wrong_id_number_is_refused_with_the_importers_message_then_saved(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    signed_in(client, session)
    spouse = session.scalars(select(Member).where(Member.relation == "配偶")).first()
    assert spouse is not None
    before = spouse.id_number
    form = f"/members/{spouse.id}/edit"
    answer = post(client, form, {"id_number": "520526197805090021", "name": "李梅梅"}, form)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "证件号码校验位错误；应为：按GB 11643-1999计算的校验位" in answer.text  # type: ignore[attr-defined]
    assert 'id="id_number-error"' in answer.text  # type: ignore[attr-defined]
    session.expire_all()
    assert (spouse.id_number, spouse.name) == (before, "李梅")  # nothing saved, not even the valid name
    fixed = citizen_id("19780509", "女")
    answer = post(client, form, {"id_number": fixed, "name": "李梅梅"}, form)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    assert (spouse.id_number, spouse.name) == (fixed, "李梅梅")
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "member")).one()
    assert json.loads(event.before or "") == {"id_number": before, "name": "李梅"}


def test_member_rules_and_soft_deletes(client: TestClient, session: Session, homes: dict[str, Household]) -> None:
    signed_in(client, session)
    household = homes[VILLAGE_CODE]
    new = f"/households/{household.id}/members/new"
    second_head = {"name": "王五", "relation": "户主", "id_number": citizen_id("19600101"), "education": "小学"}
    answer = post(client, new, second_head, new)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "同一户有多个户主" in answer.text  # type: ignore[attr-defined]
    assert post(client, new, {**second_head, "relation": "之父"}, new).status_code == 303  # type: ignore[attr-defined]
    head = session.scalars(select(Member).where(Member.household_id == household.id, Member.relation == "户主")).one()
    refused = post(client, f"/members/{head.id}/remove", {}, f"/members/{head.id}/remove")
    assert "该户没有户主" in refused.text  # type: ignore[attr-defined]
    father = session.scalars(select(Member).where(Member.relation == "之父")).one()
    assert post(client, f"/members/{father.id}/remove", {}, f"/members/{father.id}/remove").status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    assert father.deleted_at is not None
    delete = f"/households/{household.id}/delete"
    assert "确定要删除农户" in client.get(delete).text
    assert post(client, delete, {}, delete).status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/households/{household.id}").status_code == 404
    assert "5205261000340001" not in client.get("/households").text
    session.expire_all()
    assert session.get(Household, household.id) is not None  # kept, only hidden
    assert household.deleted_at is not None


def test_every_form_needs_its_token(client: TestClient, session: Session, homes: dict[str, Household]) -> None:
    signed_in(client, session)
    household = homes[VILLAGE_CODE]
    member = session.scalars(select(Member).where(Member.household_id == household.id)).first()
    assert member is not None
    for path in (
        f"/households/{household.id}/edit",
        f"/households/{household.id}/members/new",
        f"/households/{household.id}/delete",
        f"/households/{household.id}/reveal",
        f"/members/{member.id}/edit",
        f"/members/{member.id}/remove",
    ):
        for token in (None, "forged"):
            data = {"reason": "核对", "name": "改名"} | ({"csrf_token": token} if token else {})
            answer = client.post(path, data=data)
            assert answer.status_code == 403, path
    session.expire_all()
    assert household.deleted_at is None
    assert member.deleted_at is None


def test_injection_in_filters_and_forms_is_stored_and_shown_harmlessly(
    client: TestClient, session: Session, homes: dict[str, Household]
) -> None:
    signed_in(client, session)
    household = homes[VILLAGE_CODE]
    for text in INJECTIONS:
        answer = client.get("/households", params={"q": text, "division": text[:12], "village": text[:12]})
        assert answer.status_code == 200
        assert "<script>alert" not in answer.text
    edit = f"/households/{household.id}/edit"
    for text in INJECTIONS:
        answer = post(client, edit, {"group_name": text, "relocation_mode": text[:50]}, edit)
        assert answer.status_code == 303  # type: ignore[attr-defined]
        page = client.get(f"/households/{household.id}").text
        assert "<script>alert" not in page
        session.expire_all()
        assert household.group_name == text
    assert session.scalars(select(Household)).first() is not None  # the table is still there
    member = f"/households/{household.id}/members/new"
    bad = post(client, member, {"name": INJECTIONS[1], "relation": INJECTIONS[0][:10], "id_number": "x"}, member)
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "&lt;script&gt;" in bad.text  # type: ignore[attr-defined]
    assert "<script>alert" not in bad.text  # type: ignore[attr-defined]


def test_export_of_a_filtered_set_round_trips_through_import(
    client: TestClient, session: Session, homes: dict[str, Household], tmp_path: Path
) -> None:
    signed_in(client, session, Role.county, "520526")
    answer = client.get("/households", params={"village": VILLAGE_CODE})
    assert "5205261000560001" not in answer.text
    export = client.get("/households/export", params={"village": VILLAGE_CODE})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "export.xlsx"
    path.write_bytes(export.content)
    result = import_file(
        session=session,
        path=path,
        actor=Actor("t", "import"),
        settings=Settings(),
        scope=Scope.everything(),
        today=date(2026, 11, 23),
    )
    sheet = result.sheets[0]
    assert (sheet.read, sheet.inserted, sheet.updated, sheet.rejected) == (3, 0, 0, 0)
    assert sheet.unchanged == 3
    changeset = session.scalars(select(Changeset).where(Changeset.purpose == "导出")).one()
    assert changeset.summary == {"rows": 3, "filters": {"village": VILLAGE_CODE}, "layout": "national_member"}
