"""/api/v1 accounts: tokens, the current user, password change, user administration within the admin's scope."""

from datetime import timedelta

from fastapi import APIRouter, Response, status

from fupin import audit
from fupin.accounts import credentials, service, signin
from fupin.accounts.schemas import MeOut, PasswordChange, TokenOut, TokenRequest, UserCreate, UserOut
from fupin.api.deps import ActorDep, AdminUser, ClientAddress, CurrentUser, DbSession, Now, ScopeDep, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.errors import FupinError, NotFoundError, Problem

router = APIRouter(tags=["accounts"])


@router.post(
    "/auth/token",
    summary="用户名和密码换取 API 令牌",
    responses={429: {"model": ErrorBody, "description": "连续登录失败，用户名已被暂时锁定"}},
)
def issue_token(body: TokenRequest, db: DbSession, settings: SettingsDep, now: Now, origin: ClientAddress) -> TokenOut:
    actor = audit.Actor(name=body.username.strip()[:100] or "（空）", channel="api", origin=origin)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="签发令牌")
    lockout = signin.Lockout(settings.login_max_failures, settings.login_lockout_minutes)
    try:
        user = signin.authenticate(
            session=db, changeset=changeset, username=body.username, password=body.password, now=now, lockout=lockout
        )
    except FupinError:
        db.commit()  # failures count toward the lock-out and stay in the audit log
        raise
    lifetime = timedelta(days=settings.token_lifetime_days)
    raw, token = credentials.issue_token(
        session=db, changeset=changeset, user=user, name=body.name, now=now, lifetime=lifetime
    )
    db.commit()
    return TokenOut(access_token=raw, expires_at=token.expires_at)


@router.get("/me", summary="当前用户、角色和数据范围")
def me(principal: CurrentUser, db: DbSession) -> MeOut:
    return MeOut.of(principal, service.scope_name(session=db, scope_prefix=principal.scope_prefix))


@router.post("/me/password", summary="修改本人密码", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChange, principal: CurrentUser, actor: ActorDep, db: DbSession, settings: SettingsDep, now: Now
) -> Response:
    user = service.get_by_username(session=db, username=principal.username)
    if user is None:
        raise NotFoundError(Problem("not-found", "用户不存在"))
    changeset = audit.open_changeset(session=db, actor=actor, purpose="修改密码")
    service.change_password(
        session=db,
        changeset=changeset,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
        password_min_length=settings.password_min_length,
        now=now,
    )
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", summary="数据范围内的用户（系统管理员）")
def list_users(admin: AdminUser, scope: ScopeDep, db: DbSession) -> list[UserOut]:
    return [UserOut.of(user) for user in service.list_(session=db, scope=scope)]


@router.post(
    "/users", summary="新建用户（系统管理员，只能授予本人范围之内的数据范围）", status_code=status.HTTP_201_CREATED
)
def create_user(
    body: UserCreate, admin: AdminUser, scope: ScopeDep, actor: ActorDep, db: DbSession, settings: SettingsDep
) -> UserOut:
    changeset = audit.open_changeset(session=db, actor=actor, purpose="新建用户")
    new = service.NewUser(
        username=body.username,
        full_name=body.full_name,
        role=body.role.value,
        scope_prefix=body.scope_prefix,
        password=body.password,
    )
    user = service.create(
        session=db, changeset=changeset, new=new, grantor=scope, password_min_length=settings.password_min_length
    )
    db.commit()
    return UserOut.of(user)
