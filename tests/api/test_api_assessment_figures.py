"""/api/v1/assessment/figures/{code}: a unit's verdict roll-ups with its children's, within scope; 404 outside."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.assessment import VERDICTS, stored_run


def test_a_unit_with_its_children_and_mpi(client: TestClient, session: Session) -> None:
    stored_run(session, "", VERDICTS)
    user = make_user(session, role=Role.admin, scope_prefix="")
    body = client.get("/api/v1/assessment/figures/520526000000", headers=token_for(client, user.username)).json()
    assert (body["unit"]["name"], body["year"], body["years"]) == ("威宁彝族回族苗族自治县", 2020, [2020])
    county = body["figures"]
    assert (county["households"], county["meeting_households"], county["failing_households"]) == (7, 3, 3)
    assert county["undecided_households"] == 1
    assert county["mpi"]["headcount"] == pytest.approx(7 / 18)
    assert county["mpi"]["adjusted_headcount"] == pytest.approx(3.3 / 18)
    assert county["indicators"][0]["code"] == "income"
    assert (county["indicators"][0]["failed"], county["indicators"][0]["unknown"]) == (2, 1)
    assert sum(i["contribution"] for i in county["indicators"]) == pytest.approx(1.0)
    caohai = next(c for c in body["children"] if c["unit"]["code"] == "520526100000")
    assert caohai["figures"]["households"] == 6
    assert all(c["figures"] is None for c in body["children"] if not c["unit"]["code"].startswith("5205261"))


def test_years_without_figures_and_scope(client: TestClient, session: Session) -> None:
    stored_run(session, "", VERDICTS)
    user = make_user(session, role=Role.inspector, scope_prefix="520526")
    headers = token_for(client, user.username)
    empty = client.get("/api/v1/assessment/figures/520526000000?year=2019", headers=headers).json()
    assert (empty["year"], empty["figures"], empty["years"]) == (2019, None, [2020])
    for code in ("520527000000", "520000000000", "000000000000", "abc"):
        answer = client.get(f"/api/v1/assessment/figures/{code}", headers=headers)
        assert answer.status_code == 404, code
        assert answer.json()["errors"][0]["slug"] == "division-not-found"
