"""/api/v1: bearer tokens, the current user, password change, user administration bounded by the admin's scope."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.accounts.models import ApiToken, User
from fupin.audit import AuditEvent
from tests.factories.accounts import PASSWORD, Clock, make_user


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_without_a_token_the_api_answers_401_in_chinese(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer fupin_not-a-real-token"}, {"Authorization": "Basic eDp5"}):
        answer = client.get("/api/v1/me", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        (error,) = answer.json()["errors"]
        assert error["field"] == "header.Authorization"
        assert error["slug"] in {"not-authenticated", "token-invalid"}
        assert "令牌" in error["message"]


def test_with_a_token_me_answers_200(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.inspector)
    answer = client.get("/api/v1/me", headers=token_for(client, user.username))
    assert answer.status_code == 200
    body = answer.json()
    assert body["username"] == user.username
    assert body["role"] == "inspector"
    assert body["role_label"] == "督战人员"
    assert body["can_capture"] is False
    assert body["scope_name"].endswith("威宁彝族回族苗族自治县")


def test_only_the_token_hash_is_stored_and_the_token_expires(
    client: TestClient, session: Session, clock: Clock
) -> None:
    user = make_user(session)
    headers = token_for(client, user.username)
    raw = headers["Authorization"].removeprefix("Bearer ")
    stored = session.scalars(select(ApiToken)).one()
    assert raw not in stored.token_hash
    assert all(raw not in (after or "") for after in session.scalars(select(AuditEvent.after)))
    clock.advance(days=91)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_requests_share_the_lock_out(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for _ in range(2):
        answer = client.post("/api/v1/auth/token", json={"username": user.username, "password": "Wrongpass123"})
        assert answer.status_code == 401
        assert answer.json()["errors"][0]["slug"] == "login-failed"
    answer = client.post("/api/v1/auth/token", json={"username": user.username, "password": "Wrongpass123"})
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) == 15 * 60 + 1
    assert answer.json()["errors"][0]["slug"] == "account-locked"


def test_bad_bodies_name_the_field_in_chinese(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/token", json={"username": "x" * 101})
    assert answer.status_code == 422
    errors = {error["field"]: error for error in answer.json()["errors"]}
    assert errors["body.username"]["slug"] == "too-long"
    assert "不超过100个字符" in errors["body.username"]["message"]
    assert errors["body.password"]["slug"] == "required"
    assert errors["body.password"]["message"] == "必填项为空"
    answer = client.post("/api/v1/auth/token", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["slug"] == "request-invalid"


def test_password_change(client: TestClient, session: Session) -> None:
    user = make_user(session)
    headers = token_for(client, user.username)
    answer = client.post("/api/v1/me/password", headers=headers, json={"current_password": "nope", "new_password": "x"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"slug": "password-wrong", "field": "body.current_password", "message": "当前密码不正确"}
    ]
    body = {"current_password": PASSWORD, "new_password": "short1"}
    answer = client.post("/api/v1/me/password", headers=headers, json=body)
    assert answer.json()["errors"][0]["field"] == "body.new_password"
    assert "至少10位" in answer.json()["errors"][0]["message"]
    body = {"current_password": PASSWORD, "new_password": "Xinmima2021ok"}
    assert client.post("/api/v1/me/password", headers=headers, json=body).status_code == 204
    token_for(client, user.username, "Xinmima2021ok")


def test_admin_creates_users_only_inside_their_scope(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="5205")
    headers = token_for(client, admin.username)
    new = {"username": "cun.gan", "full_name": "村干部甲", "role": "village", "password": "Cunganbu2020"}
    for scope in ("52", "", "5201"):
        answer = client.post("/api/v1/users", headers=headers, json={**new, "scope_prefix": scope})
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["slug"] == "scope-too-wide"
        assert answer.json()["errors"][0]["field"] == "body.scope_prefix"
    assert session.scalars(select(User).where(User.username == "cun.gan")).first() is None
    answer = client.post("/api/v1/users", headers=headers, json={**new, "scope_prefix": "520526100034"})
    assert answer.status_code == 201
    assert answer.json()["scope_prefix"] == "520526100034"
    assert answer.json()["role_label"] == "村干部/驻村工作队"
    outsider = make_user(session, scope_prefix="5201")
    listed = {user["username"] for user in client.get("/api/v1/users", headers=headers).json()}
    assert {admin.username, "cun.gan"} <= listed
    assert outsider.username not in listed


def test_unknown_role_is_refused_with_the_choices(client: TestClient, session: Session) -> None:
    admin = make_user(session, role=Role.admin, scope_prefix="")
    body = {"username": "abc", "full_name": "甲", "role": "boss", "scope_prefix": "", "password": "Abcdefgh1234"}
    answer = client.post("/api/v1/users", headers=token_for(client, admin.username), json=body)
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["field"] == "body.role"
    assert "admin" in error["message"]


def test_non_admins_cannot_reach_user_administration(client: TestClient, session: Session) -> None:
    user = make_user(session, role=Role.county)
    headers = token_for(client, user.username)
    for answer in (
        client.get("/api/v1/users", headers=headers),
        client.post("/api/v1/users", headers=headers, json={}),
    ):
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["slug"] == "forbidden"
        assert "系统管理员" in answer.json()["errors"][0]["message"]


def test_openapi_schema_documents_every_route_and_error_body(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    # each router adds its own paths; these are the accounts router's
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/me/password", "/api/v1/users"} <= set(paths)
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            if method == "post":
                assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
                    "ErrorBody"
                )
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_api_paths_answer_json(client: TestClient) -> None:
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404
    assert answer.json()["errors"][0]["slug"] == "not-found"
