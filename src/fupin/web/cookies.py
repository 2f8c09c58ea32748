"""Signed cookies: the page session id and the sign-in form's CSRF token, HttpOnly and SameSite=Lax."""

import secrets

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response

from fupin.config import Settings

SESSION_COOKIE = "fupin_session"
LOGIN_CSRF_COOKIE = "fupin_login_csrf"


def signer(settings: Settings, purpose: str) -> Signer:
    """One signer per purpose, so a value signed for one cookie is refused by the other."""
    assert settings.secret_key is not None  # create_app refuses to start without one
    return Signer(settings.secret_key.get_secret_value(), salt=f"fupin.{purpose}")


def read(request: Request, settings: Settings, name: str) -> str | None:
    """The cookie's value if its signature is ours, else None."""
    sent = request.cookies.get(name)
    if not sent:
        return None
    try:
        return signer(settings, name).unsign(sent).decode()
    except BadSignature:
        return None


def write(response: Response, settings: Settings, name: str, value: str, max_age: int | None = None) -> None:
    signed = signer(settings, name).sign(value).decode()
    response.set_cookie(
        name, signed, max_age=max_age, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


def forget(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(name, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/")


def new_token() -> str:
    return secrets.token_urlsafe(32)
