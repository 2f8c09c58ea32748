"""登录 and 退出: the sign-in form (works without JavaScript), session rotation at sign-in, server-side sign-out."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from fupin import audit
from fupin.accounts import credentials, signin
from fupin.api.deps import ClientAddress, DbSession, Now, SettingsDep
from fupin.config import Settings
from fupin.errors import FupinError, Problem, ThrottledError, UnauthenticatedError
from fupin.web import cookies
from fupin.web.deps import MaybeUser
from fupin.web.render import by_field, page

router = APIRouter()


def safe_next(path: str | None) -> str:
    """Only a path on this site: no scheme, no host, no `//` or backslash that a browser would read as another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


@router.get("/login", summary="登录页")
def login_form(request: Request, principal: MaybeUser, settings: SettingsDep, next: str = "/") -> Response:
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, settings, next_path=safe_next(next), username="", problems=[], status_code=200)


@router.post("/login", summary="登录")
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    origin: ClientAddress,
    principal: MaybeUser,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    actor = audit.Actor(name=username.strip()[:100] or "（空）", channel="web", origin=origin)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="登录")
    lockout = signin.Lockout(settings.login_max_failures, settings.login_lockout_minutes)
    try:
        user = signin.authenticate(
            session=db, changeset=changeset, username=username, password=password, now=now, lockout=lockout
        )
    except FupinError as error:
        db.commit()  # failures count toward the lock-out and stay in the audit log
        status = 429 if isinstance(error, ThrottledError) else 401 if isinstance(error, UnauthenticatedError) else 422
        return _login_page(request, settings, safe_next(next), username, error.problems, status)
    old_id = cookies.read(request, settings, cookies.SESSION_COOKIE)
    if old_id is not None:  # never carry a session across a sign-in: a new id every time (no fixation)
        credentials.end_session(session=db, raw_id=old_id, now=now)
    lifetime = timedelta(minutes=settings.session_lifetime_minutes)
    raw_id, _ = credentials.start_session(session=db, user=user, now=now, lifetime=lifetime, origin=origin)
    db.commit()
    response = RedirectResponse(safe_next(next), status_code=303)
    cookies.write(response, settings, cookies.SESSION_COOKIE, raw_id, max_age=int(lifetime.total_seconds()))
    cookies.forget(response, settings, cookies.LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", summary="退出")
def logout(
    request: Request, db: DbSession, settings: SettingsDep, now: Now, origin: ClientAddress, principal: MaybeUser
) -> Response:
    raw_id = cookies.read(request, settings, cookies.SESSION_COOKIE)
    if raw_id is not None and principal is not None:
        actor = audit.Actor(name=principal.username, channel="web", origin=origin)
        changeset = audit.open_changeset(session=db, actor=actor, purpose="退出")
        credentials.end_session(session=db, raw_id=raw_id, now=now, changeset=changeset)
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    cookies.forget(response, settings, cookies.SESSION_COOKIE)
    return response


def _login_page(
    request: Request, settings: Settings, next_path: str, username: str, problems: list[Problem], status_code: int
) -> Response:
    """The form with a CSRF token bound to a signed cookie (there is no session yet to hold it)."""
    token = cookies.read(request, settings, cookies.LOGIN_CSRF_COOKIE) or cookies.new_token()
    response = page(
        request,
        "login.html",
        principal=None,
        title="登录",
        csrf_token=token,
        next_path=next_path,
        username=username,
        errors=by_field(problems),
        status_code=status_code,
    )
    cookies.write(response, settings, cookies.LOGIN_CSRF_COOKIE, token)
    return response
