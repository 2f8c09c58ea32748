"""Every API operation (enumerated from the app) refuses a request without a valid bearer token: 401 in Chinese."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.web import sign_in
from tests.routes import endpoints

PUBLIC = {
    "POST /api/v1/auth/token": "where a token is obtained",
    "GET /api/v1/openapi.json": "the API description",
    "GET /api/v1/docs": "the API documentation page",
}
API = [endpoint for endpoint in endpoints() if endpoint.is_api and str(endpoint) not in PUBLIC]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer fupin_forged-token"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}],
    ids=["none", "forged", "basic"],
)
def test_every_api_operation_needs_a_valid_token(client: TestClient, headers: dict[str, str]) -> None:
    assert len(API) >= 20  # the walk found the routers
    for endpoint in API:
        path = re.sub(r"\{[^}]+\}", "1", endpoint.path)
        answer = client.request(endpoint.method, path, headers=headers, json={} if endpoint.method != "GET" else None)
        assert answer.status_code == 401, (str(endpoint), answer.text)
        assert answer.headers["www-authenticate"] == "Bearer"
        (error,) = answer.json()["errors"]
        assert error["slug"] in {"not-authenticated", "token-invalid"}
        assert error["field"] == "header.Authorization"


def test_a_page_session_cookie_does_not_open_the_api(client: TestClient, session: Session) -> None:
    """The API takes bearer tokens only, so a page's cookie (which a cross-site request would carry) opens nothing."""
    user = make_user(session, role=Role.admin, scope_prefix="")
    assert sign_in(client, user.username, PASSWORD).status_code == 303
    assert client.get("/").status_code == 200  # the cookie does open the pages
    for path in ("/api/v1/me", "/api/v1/households", "/api/v1/users"):
        answer = client.get(path)
        assert answer.status_code == 401, path
        assert answer.json()["errors"][0]["slug"] == "not-authenticated"


def test_public_operations_are_the_listed_ones() -> None:
    assert set(PUBLIC) <= {str(endpoint) for endpoint in endpoints()}
