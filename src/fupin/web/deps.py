"""The pages' dependencies: the signed-in user (once per request), their scope, admin-only, and the CSRF check."""

import hmac
from typing import Annotated

from fastapi import Depends, Request

from fupin.accounts import credentials
from fupin.accounts.principal import Principal
from fupin.api.deps import DbSession, client_address, look_up_principal
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


# FastAPI walks a dependency's whole sub-tree every time a route or another dependency names it (the cache only
# spares the calls), so these read the settings and the clock from the app's state instead of naming them, and each
# one names the principal directly: a page's tree is about a dozen nodes instead of twenty.


async def page_principal(request: Request, db: DbSession) -> Principal | None:
    """The session cookie's user, or None; one query by a unique key, once per request, on the event loop (see
    `fupin.api.deps.api_principal`)."""
    raw_id = cookies.read(request, request.app.state.settings, cookies.SESSION_COOKIE)
    if raw_id is None:
        return None
    now = request.app.state.clock()
    return look_up_principal(request, db, lambda: credentials.principal_for_session(session=db, raw_id=raw_id, now=now))


MaybeUser = Annotated[Principal | None, Depends(page_principal)]


def _signed_in(request: Request, principal: Principal | None) -> Principal:
    if principal is None:
        raise SignInRequiredError(request.url.path)
    return principal


async def require_user(request: Request, principal: MaybeUser) -> Principal:
    return _signed_in(request, principal)


CurrentUser = Annotated[Principal, Depends(require_user)]


async def require_admin(request: Request, principal: MaybeUser) -> Principal:
    user = _signed_in(request, principal)
    if not user.role.manages_users:
        raise ForbiddenError(Problem("forbidden", "无权访问：只有系统管理员可以管理用户"))
    return user


async def principal_scope(request: Request, principal: MaybeUser) -> Scope:
    return _signed_in(request, principal).scope


async def page_actor(request: Request, principal: MaybeUser) -> Actor:
    return Actor(name=_signed_in(request, principal).username, channel="web", origin=await client_address(request))


AdminUser = Annotated[Principal, Depends(require_admin)]
ScopeDep = Annotated[Scope, Depends(principal_scope)]
ActorDep = Annotated[Actor, Depends(page_actor)]


async def verify_csrf(request: Request, principal: MaybeUser) -> None:
    """Every state-changing form carries the session's CSRF token (the sign-in form: its cookie's); else 403."""
    if request.method not in UNSAFE_METHODS:
        return
    form = await request.form()  # parsed once; the route's Form fields read the same parsed form
    sent = form.get("csrf_token")
    settings = request.app.state.settings
    expected = principal.csrf_token if principal else cookies.read(request, settings, cookies.LOGIN_CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        message = "表单已失效或来源不明（安全校验失败），请刷新页面后重新提交"
        raise ForbiddenError(Problem("csrf-invalid", message))
