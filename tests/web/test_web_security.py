"""Page security over EVERY route (enumerated from the app): each form refuses a missing or forged CSRF token and
changes nothing; SQL and HTML in every text filter is answered harmlessly."""

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import AuditEvent, Changeset
from fupin.registry.models import Household, Member
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.registry import family, load_people
from tests.factories.web import csrf_token, sign_in
from tests.routes import collection_app, endpoints

INJECTIONS = (
    "'; DROP TABLE registry_household; --",
    '<script>alert("x")</script>',
    "%' OR '1'='1",
    '"><img src=x onerror=alert(1)>',
    "张%_\\",
)
FORMS = [endpoint for endpoint in endpoints() if not endpoint.is_api and endpoint.method == "POST"]


@pytest.fixture
def rows(session: Session, tmp_path: Path) -> dict[str, int]:
    load_people(session, tmp_path, family("5205261000340001", 3))
    household = session.scalars(select(Household)).one()
    member = session.scalars(select(Member).where(Member.relation != "户主")).first()
    assert member is not None
    # the token is checked before any lookup, so a sample id needs no sample behind it
    return {"household_id": household.id, "member_id": member.id, "sample_id": 1}


def writes(session: Session) -> tuple[int, int]:
    return session.scalar(select(func.count()).select_from(Changeset)) or 0, session.scalar(
        select(func.count()).select_from(AuditEvent)
    ) or 0


def test_every_page_form_refuses_a_missing_or_forged_token(
    client: TestClient, session: Session, rows: dict[str, int]
) -> None:
    assert {"POST /login", "POST /logout", "POST /households/{household_id}/edit"} <= {str(form) for form in FORMS}
    admin = make_user(session, role=Role.admin, scope_prefix="")
    assert sign_in(client, admin.username, PASSWORD).status_code == 303
    good = csrf_token(client.get("/").text)
    before = writes(session)
    for form in FORMS:
        path = form.path.format(**rows)
        for token in (None, "", "forged", good + "x", good[:-1]):
            data = {"reason": "核对", "name": "改名", "current_password": PASSWORD, "new_password": "Xinmima2021ok"}
            answer = client.post(path, data=data | ({"csrf_token": token} if token is not None else {}))
            assert answer.status_code == 403, (str(form), token, answer.status_code)
            assert "安全校验失败" in answer.text
    assert writes(session) == before
    assert client.get("/").status_code == 200  # the refused sign-out did not end the session


def text_filters(app: FastAPI) -> dict[str, list[str]]:
    """Each GET route's query parameters that take text (a query model's text fields counted one by one)."""
    found: dict[str, list[str]] = {}
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if dependant is None or "GET" not in (context.methods or ()):
            continue
        names = [name for param in _query_params(dependant) for name in _texts(param.name, param.field_info.annotation)]
        if names:
            found[str(context.path)] = names
    return found


def _query_params(dependant: Any) -> list[Any]:
    return [*dependant.query_params, *(p for sub in dependant.dependencies for p in _query_params(sub))]


def _texts(name: str, annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [n for n, field in annotation.model_fields.items() if _texts(n, field.annotation)]
    return [name] if annotation is str or str in get_args(annotation) else []


def test_sql_and_html_in_every_text_filter_are_harmless(
    client: TestClient, session: Session, rows: dict[str, int]
) -> None:
    filters = text_filters(collection_app())
    assert {"q", "division", "village"} <= set(filters["/households"])
    assert "q" in filters["/api/v1/households"]
    user = make_user(session, role=Role.county, scope_prefix="520526")
    assert sign_in(client, user.username, PASSWORD).status_code == 303
    token = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    households = session.scalar(select(func.count()).select_from(Household))
    for path, names in filters.items():
        for name in names:
            for text in INJECTIONS:
                answer = client.get(path.format(**rows), params={name: text}, headers=headers)
                assert answer.status_code < 500, (path, name, text)
                if answer.headers.get("content-type", "").startswith("text/html"):
                    assert "<script>alert" not in answer.text, (path, name)
                    assert not re.search(r"<img src=x onerror", answer.text), (path, name)
    assert session.scalar(select(func.count()).select_from(Household)) == households
    listed = client.get("/households", params={"q": "%' OR '1'='1"})
    assert "5205261000340001" not in listed.text  # the pattern is text to match, not SQL to run
