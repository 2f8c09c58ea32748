"""Sign-in pages: session rotation, server-side sign-out, CSRF, lock-out, safe redirects, Chinese messages."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.accounts.models import PageSession, User
from fupin.web.cookies import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.factories.accounts import PASSWORD, Clock, make_user
from tests.factories.web import csrf_token, post_form, session_cookie, set_session_cookie, sign_in


def test_pages_need_a_sign_in_and_come_back_after_it(client: TestClient, session: Session) -> None:
    user = make_user(session)
    answer = client.get("/password")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/password"
    login = client.get("/login?next=/password")
    assert login.status_code == 200
    assert "登录" in login.text
    cookie = login.headers["set-cookie"]
    assert LOGIN_CSRF_COOKIE in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    answer = sign_in(client, user.username, PASSWORD, next_path="/password")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/password"
    set_cookie = answer.headers["set-cookie"]
    assert SESSION_COOKIE in set_cookie
    assert "HttpOnly" in set_cookie
    home = client.get("/")
    assert home.status_code == 200
    assert user.full_name in home.text
    assert "县级业务人员" in home.text
    assert "威宁彝族回族苗族自治县" in home.text


def test_sign_in_always_starts_a_new_session(client: TestClient, session: Session) -> None:
    user = make_user(session)
    set_session_cookie(client, "planted-by-an-attacker")
    sign_in(client, user.username, PASSWORD)
    first = session_cookie(client)
    assert first
    assert "planted-by-an-attacker" not in first
    post_form(client, "/login", {"username": user.username, "password": PASSWORD})
    second = session_cookie(client)
    assert second
    assert second != first
    assert client.get("/").status_code == 200
    set_session_cookie(client, first)
    assert client.get("/").status_code == 303  # the session the first cookie named has ended
    open_sessions = session.scalars(select(PageSession).where(PageSession.ended_at.is_(None))).all()
    assert len(open_sessions) == 1


def test_sign_out_ends_the_session_on_the_server(client: TestClient, session: Session) -> None:
    user = make_user(session)
    sign_in(client, user.username, PASSWORD)
    kept = session_cookie(client)
    answer = post_form(client, "/logout", {})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert client.get("/").status_code == 303
    set_session_cookie(client, kept or "")
    assert client.get("/").status_code == 303  # a copy of the old cookie is worthless too
    page_session = session.scalars(select(PageSession)).one()
    assert page_session.ended_at is not None


def test_forms_without_the_right_token_are_refused_and_change_nothing(client: TestClient, session: Session) -> None:
    user = make_user(session)
    form = client.get("/login")
    for token in (None, "forged", csrf_token(form.text) + "x"):
        data = {"username": user.username, "password": PASSWORD, **({"csrf_token": token} if token else {})}
        answer = client.post("/login", data=data)
        assert answer.status_code == 403
        assert "安全校验失败" in answer.text
    assert session.scalars(select(PageSession)).all() == []
    sign_in(client, user.username, PASSWORD)
    answer = client.post("/logout", data={"csrf_token": csrf_token(form.text)})  # the sign-in form's token
    assert answer.status_code == 403
    assert client.get("/").status_code == 200  # still signed in


def test_wrong_password_then_lock_out_then_unlock(client: TestClient, session: Session, clock: Clock) -> None:
    user = make_user(session)
    for left in (2, 1):
        answer = sign_in(client, user.username, "Wrongpass123")
        assert answer.status_code == 401
        assert f"用户名或密码不正确，再失败{left}次将锁定15分钟" in answer.text
        assert f'value="{user.username}"' in answer.text
    answer = sign_in(client, user.username, "Wrongpass123")
    assert answer.status_code == 429
    assert "已连续3次登录失败" in answer.text
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert sign_in(client, user.username, PASSWORD).status_code == 303


def test_sql_and_html_in_the_sign_in_fields_are_harmless(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for text in ("' OR '1'='1' --", "admin'); DROP TABLE accounts_user; --", '<script>alert("x")</script>'):
        answer = sign_in(client, text, text)
        assert answer.status_code == 401
        assert "<script>alert" not in answer.text
    assert "&lt;script&gt;" in answer.text
    assert session.get(User, user.id) is not None


def test_empty_fields_are_named(client: TestClient) -> None:
    answer = sign_in(client, "", "")
    assert answer.status_code == 422
    assert "请填写用户名" in answer.text
    assert "请填写密码" in answer.text


def test_redirects_stay_on_this_site(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        answer = sign_in(client, user.username, PASSWORD, next_path=target)
        assert answer.headers["location"] == "/"
        client.cookies.clear()


def test_signed_in_user_going_to_login_goes_home(client: TestClient, session: Session) -> None:
    user = make_user(session)
    sign_in(client, user.username, PASSWORD)
    assert client.get("/login").headers["location"] == "/"


def test_session_expires(client: TestClient, session: Session, clock: Clock) -> None:
    user = make_user(session)
    sign_in(client, user.username, PASSWORD)
    clock.advance(minutes=481)
    assert client.get("/").status_code == 303
