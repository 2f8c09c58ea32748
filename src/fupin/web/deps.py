"""The pages' dependencies: the signed-in user (once per request), their scope, admin-only, and the CSRF check."""

import hmac
from typing import Annotated

from fastapi import Depends, Request

from fupin.accounts import credentials
from fupin.accounts.principal import Principal
from fupin.api.deps import ClientAddress, DbSession, Now, SettingsDep
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, Problem
from fupin.web import cookies

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequiredError(Exception):
    """Raised where a page needs a user; answered with a redirect to the sign-in page that comes back here."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_principal(request: Request, db: DbSession, settings: SettingsDep, now: Now) -> Principal | None:
    """The session cookie's user, or None; one query, once per request."""
    raw_id = cookies.read(request, settings, cookies.SESSION_COOKIE)
    if raw_id is None:
        return None
    return credentials.principal_for_session(session=db, raw_id=raw_id, now=now)


MaybeUser = Annotated[Principal | None, Depends(page_principal)]


async def require_user(request: Request, principal: MaybeUser) -> Principal:
    if principal is None:
        raise SignInRequiredError(request.url.path)
    return principal


CurrentUser = Annotated[Principal, Depends(require_user)]


async def require_admin(principal: CurrentUser) -> Principal:
    if not principal.role.manages_users:
        raise ForbiddenError(Problem("forbidden", "无权访问：只有系统管理员可以管理用户"))
    return principal


async def principal_scope(principal: CurrentUser) -> Scope:
    return principal.scope


async def page_actor(principal: CurrentUser, origin: ClientAddress) -> Actor:
    return Actor(name=principal.username, channel="web", origin=origin)


AdminUser = Annotated[Principal, Depends(require_admin)]
ScopeDep = Annotated[Scope, Depends(principal_scope)]
ActorDep = Annotated[Actor, Depends(page_actor)]


async def verify_csrf(request: Request, principal: MaybeUser, settings: SettingsDep) -> None:
    """Every state-changing form carries the session's CSRF token (the sign-in form: its cookie's); else 403."""
    if request.method not in UNSAFE_METHODS:
        return
    form = await request.form()  # parsed once; the route's Form fields read the same parsed form
    sent = form.get("csrf_token")
    expected = principal.csrf_token if principal else cookies.read(request, settings, cookies.LOGIN_CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        message = "表单已失效或来源不明（安全校验失败），请刷新页面后重新提交"
        raise ForbiddenError(Problem("csrf-invalid", message))
