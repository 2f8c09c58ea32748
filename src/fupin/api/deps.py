"""Request plumbing shared by the API and the pages (database session, settings, clock), and the API's principal."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from fupin.accounts import credentials
from fupin.accounts.principal import Principal
from fupin.audit import Actor
from fupin.config import Settings
from fupin.db import IMMEDIATE_OPTION
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, Location, Problem, UnauthenticatedError

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request; the route commits its unit of work, anything uncommitted is rolled back on close.

    A reading request (GET, HEAD) gets a session on the reading engine (`fupin.db.reader`: a write fails there) and
    ends it with a commit, never a rollback, which would make psycopg forget the connection's prepared statements;
    a route that must write while answering a GET (an export's audit record) asks for `WritingDb`.

    Asynchronous on purpose: a synchronous dependency costs two thread hand-offs per request (enter and exit), a
    large share of a short request. Making a session does no I/O; closing it hands the connection back to the
    pool with at most a rollback of a transaction the route left open, which is as short as a statement.
    """
    reading = request.method in READING_METHODS
    session: Session = (request.app.state.read_sessionmaker if reading else request.app.state.sessionmaker)()
    try:
        yield session
        if reading and not (session.new or session.dirty or session.deleted):
            session.commit()  # nothing to keep (changes to loaded rows are never written by a read: rolled back)
    finally:
        session.close()


def look_up_principal(request: Request, db: Session, lookup: Callable[[], Principal | None]) -> Principal | None:
    """Run the user lookup of a request; a writing request's lookup is a transaction of its own.

    A writing request's session takes SQLite's write lock when its transaction begins (`fupin.db.writer`), and the
    lookup runs on the event loop, which must never wait for that lock: it reads in a deferred transaction and ends
    it, so the route's own transaction begins afterwards, in the thread pool, holding the lock and seeing what other
    connections committed meanwhile (a deferred transaction that read an older snapshot could not write at all).
    """
    if request.method in READING_METHODS:
        return lookup()
    if not db.in_transaction():  # (a test's shared session is in one already)
        db.connection(execution_options={IMMEDIATE_OPTION: False})
    try:
        return lookup()
    finally:
        db.commit()


async def get_writing_db(request: Request) -> AsyncIterator[Session]:
    """A session that may write whatever the request's method: for the few GET routes that record what they did."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        session.close()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_now(request: Request) -> datetime:
    """The app's clock (tests inject one), read once per request."""
    now: datetime = request.app.state.clock()
    return now


async def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


DbSession = Annotated[Session, Depends(get_db)]
WritingDb = Annotated[Session, Depends(get_writing_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
Now = Annotated[datetime, Depends(get_now)]
ClientAddress = Annotated[str | None, Depends(client_address)]

# Row ids are 32-bit integer keys: a larger number is refused as input (422) instead of overflowing the driver (500).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="编号（正整数）")]
AfterId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="翻页：只列出编号小于此值的记录")]

bearer = HTTPBearer(auto_error=False, description="`fupin users token` 或 POST /api/v1/auth/token 签发的令牌")


async def api_principal(
    request: Request, db: DbSession, sent: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The token's user, resolved once per request with one query.

    Run on the event loop, not in the thread pool: the lookup is one prebuilt statement by a unique key (well under a
    millisecond), cheaper than the two thread hand-offs and GIL switches a synchronous dependency costs.
    """
    where = Location(field="header.Authorization")
    if sent is None:
        raise UnauthenticatedError(
            Problem("not-authenticated", "未登录：请在请求头中提供 Authorization: Bearer 令牌", where)
        )
    now = request.app.state.clock()
    principal = look_up_principal(
        request, db, lambda: credentials.principal_for_token(session=db, raw=sent.credentials, now=now)
    )
    if principal is None:
        raise UnauthenticatedError(Problem("token-invalid", "令牌无效、已过期或已撤销", where, None, "有效的 API 令牌"))
    return principal


async def require_admin(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    if not principal.role.manages_users:
        raise ForbiddenError(Problem("forbidden", "无权访问：只有系统管理员可以管理用户"))
    return principal


async def principal_scope(principal: Annotated[Principal, Depends(api_principal)]) -> Scope:
    return principal.scope


async def api_actor(request: Request, principal: Annotated[Principal, Depends(api_principal)]) -> Actor:
    return Actor(name=principal.username, channel="api", origin=await client_address(request))


CurrentUser = Annotated[Principal, Depends(api_principal)]
AdminUser = Annotated[Principal, Depends(require_admin)]
ScopeDep = Annotated[Scope, Depends(principal_scope)]
ActorDep = Annotated[Actor, Depends(api_actor)]
