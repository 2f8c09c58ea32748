"""Regression tests for the defects the schema run (test_api_schema.py) found: each answer as documented."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from tests.api.test_api_accounts import token_for
from tests.factories.accounts import make_user
from tests.factories.web import sign_in

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def test_date_times_carry_their_utc_offset(client: TestClient, session: Session) -> None:
    """OpenAPI's date-time is RFC 3339, which needs an offset; the stored times are UTC."""
    user = make_user(session, role=Role.county)
    answer = client.post("/api/v1/auth/token", json={"username": user.username, "password": "Qiyuan2020ok"})
    expires_at = answer.json()["expires_at"]
    assert RFC3339.match(expires_at), expires_at
    assert expires_at.endswith(("Z", "+00:00"))
    assert expires_at.startswith("2027-02-21T09:00:00")  # the test clock's now plus 90 days, unshifted


def test_a_body_that_cannot_be_parsed_is_422_in_chinese(client: TestClient, session: Session) -> None:
    headers = token_for(client, make_user(session).username)
    for path, content, kind in (
        ("/api/v1/auth/token", b"\xff\xfe{", "application/json"),
        ("/api/v1/me/password", b"\x80\x81", "application/json"),
        ("/api/v1/imports", b"--broken\r\n-x--broken--\r\n", "multipart/form-data; boundary=broken"),
    ):
        answer = client.post(path, content=content, headers={**headers, "content-type": kind})
        assert answer.status_code == 422, (path, answer.text)
        (error,) = answer.json()["errors"]
        assert error["slug"] == "request-invalid"
        assert "请求体无法解析" in error["message"]


def test_ids_past_32_bits_are_refused_not_crashed(client: TestClient, session: Session) -> None:
    headers = token_for(client, make_user(session, role=Role.admin, scope_prefix="").username)
    huge = 45766711165265272832
    for method, path in (
        ("GET", f"/api/v1/households/{huge}"),
        ("DELETE", f"/api/v1/households/{huge}"),
        ("PATCH", f"/api/v1/members/{2**31}"),
        ("GET", f"/api/v1/jobs/{huge}"),
        ("GET", f"/api/v1/imports?before_id={huge}"),
        ("GET", "/api/v1/households/0"),
    ):
        answer = client.request(method, path, headers=headers, json={} if method == "PATCH" else None)
        assert answer.status_code == 422, (method, path, answer.text)
        (error,) = answer.json()["errors"]
        assert error["slug"] == "out-of-range"
        assert error["field"] in {"path.household_id", "path.member_id", "path.job_id", "query.before_id"}
        assert error["message"].endswith(("应为：不大于2147483647", "应为：不小于1")), error


def test_pages_refuse_huge_ids_with_a_page_not_a_crash(client: TestClient, session: Session) -> None:
    sign_in(client, make_user(session, role=Role.admin, scope_prefix="").username, "Qiyuan2020ok")
    for path in (f"/households/{2**70}", f"/members/{2**40}/edit", f"/imports/{2**64}", f"/imports?before={2**64}"):
        answer = client.get(path)
        assert answer.status_code == 422, path
        assert "数值超出允许范围" in answer.text


def test_jobs_document_their_404_and_the_workbook_its_media_type(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/errors.xlsx"):
        assert "404" in paths[path]["get"]["responses"], path
    workbook = paths["/api/v1/jobs/{job_id}/errors.xlsx"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in workbook
