"""/api/v1 divisions and dashboard: figures and series within the caller's scope; outside it is 404."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.analytics import rollup
from fupin.divisions.scope import Scope
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.analytics import TAIJIANG, WEINING, import_tables, synthetic


@pytest.fixture
def registry(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)


def test_dashboard_answers_the_callers_scope(client: TestClient, session: Session, registry: None) -> None:
    user = make_user(session, role=Role.inspector, scope_prefix=WEINING)
    body = client.get("/api/v1/dashboard", headers=token_for(client, user.username)).json()
    county = rollup.totals(session=session, scope=Scope.everything(), prefix=WEINING)
    assert body["unit"]["code"] == WEINING + "000000"
    assert body["parents"] == []  # nothing above the scope
    assert body["totals"]["figures"] == county.values
    assert sum(c["figures"]["figures"]["members"] for c in body["children"]) == county["members"]
    assert [m["month"] for m in body["trend"]] == sorted(m["month"] for m in body["trend"])


def test_division_and_stats_within_scope_and_404_outside(client: TestClient, session: Session, registry: None) -> None:
    user = make_user(session, role=Role.admin, scope_prefix="")
    headers = token_for(client, user.username)
    division = client.get(f"/api/v1/divisions/{WEINING}000000", headers=headers).json()
    assert [p["name"] for p in division["parents"]] == ["全国", "贵州省", "毕节市"]
    caohai = next(c for c in division["children"] if c["unit"]["name"] == "草海镇")
    assert (
        caohai["figures"]["figures"]["households"]
        == rollup.totals(session=session, scope=Scope.everything(), prefix="520526100")["households"]
    )
    stats = client.get("/api/v1/divisions/000000000000/stats", headers=headers).json()
    assert stats["unit"]["name"] == "全国"
    assert stats["totals"]["figures"]["households"] > 0

    county = make_user(session, role=Role.county, scope_prefix=WEINING)
    mine = token_for(client, county.username)
    for path in (
        f"/api/v1/divisions/{TAIJIANG}000000",
        f"/api/v1/divisions/{TAIJIANG}000000/stats",
        "/api/v1/divisions/x",
    ):
        answer = client.get(path, headers=mine)
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["slug"] == "division-not-found"
    assert client.get(f"/api/v1/divisions/{WEINING}000000/stats").status_code == 401
