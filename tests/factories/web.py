"""Driving the pages as a browser without JavaScript would: read the form's hidden token, post the form."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from fupin.api.deps import get_db, get_writing_db
from fupin.web.cookies import SESSION_COOKIE

TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


def share_session(application: FastAPI, session: Session) -> FastAPI:
    """Every request of the app uses the test's savepoint session (reading and writing alike), so nothing leaks."""
    application.dependency_overrides[get_db] = lambda: session
    application.dependency_overrides[get_writing_db] = lambda: session
    return application


def csrf_token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page has no form token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str, next_path: str = "/") -> Response:
    form = client.get("/login")
    data = {"username": username, "password": password, "next": next_path, "csrf_token": csrf_token(form.text)}
    return client.post("/login", data=data)


def post_form(client: TestClient, path: str, data: dict[str, str], token_from: str = "/") -> Response:
    """Post a form with the token a page of the signed-in user carries."""
    token = csrf_token(client.get(token_from).text)
    return client.post(path, data={**data, "csrf_token": token})


COOKIE_DOMAIN = "testserver.local"  # how the cookie jar files cookies from http://testserver


def session_cookie(client: TestClient) -> str | None:
    return client.cookies.get(SESSION_COOKIE, domain=COOKIE_DOMAIN)


def set_session_cookie(client: TestClient, value: str) -> None:
    """Replace the session cookie as someone replaying a copy (or planting one) would."""
    client.cookies.set(SESSION_COOKIE, value, domain=COOKIE_DOMAIN)
