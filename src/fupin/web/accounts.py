"""修改密码 for everyone, 用户管理 (list and create within the administrator's scope) for administrators."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from fupin import audit
from fupin.accounts import service
from fupin.accounts.enums import Role
from fupin.accounts.principal import Principal
from fupin.api.deps import DbSession, Now, SettingsDep
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, NotFoundError, Problem
from fupin.web.deps import ActorDep, AdminUser, CurrentUser, ScopeDep
from fupin.web.render import by_field, page

router = APIRouter()
HOME = ("首页", "/")


@router.get("/password", summary="修改密码页")
def password_form(request: Request, principal: CurrentUser, done: bool = False) -> Response:
    return page(
        request,
        "accounts/password.html",
        principal=principal,
        title="修改密码",
        breadcrumbs=[HOME, ("修改密码", None)],
        errors={},
        done=done,
    )


@router.post("/password", summary="修改密码")
def change_password(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    current_password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
    repeat_password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    user = service.get_by_username(session=db, username=principal.username)
    if user is None:
        raise NotFoundError(Problem("not-found", "用户不存在"))
    try:
        if new_password != repeat_password:
            raise FupinError(Problem("password-mismatch", "两次输入的新密码不一致", Location(field="repeat_password")))
        changeset = audit.open_changeset(session=db, actor=actor, purpose="修改密码")
        service.change_password(
            session=db,
            changeset=changeset,
            user=user,
            current_password=current_password,
            new_password=new_password,
            password_min_length=settings.password_min_length,
            now=now,
            keep_session_id=principal.session_id,
        )
    except FupinError as error:
        db.rollback()
        return page(
            request,
            "accounts/password.html",
            principal=principal,
            title="修改密码",
            breadcrumbs=[HOME, ("修改密码", None)],
            errors=by_field(error.problems),
            done=False,
            status_code=422,
        )
    db.commit()
    return RedirectResponse("/password?done=1", status_code=303)


@router.get("/users", summary="用户管理")
def users(request: Request, admin: AdminUser, scope: ScopeDep, db: DbSession, created: str = "") -> Response:
    return _users_page(request, admin, scope, db, form={}, errors={}, created=created)


@router.post("/users", summary="新建用户")
def create_user(
    request: Request,
    admin: AdminUser,
    scope: ScopeDep,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=100)] = "",
    full_name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    scope_prefix: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    new = service.NewUser(
        username=username, full_name=full_name, role=role, scope_prefix=scope_prefix, password=password
    )
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="新建用户")
        user = service.create(
            session=db, changeset=changeset, new=new, grantor=scope, password_min_length=settings.password_min_length
        )
    except FupinError as error:
        db.rollback()
        form = {"username": username, "full_name": full_name, "role": role, "scope_prefix": scope_prefix}
        return _users_page(request, admin, scope, db, form=form, errors=by_field(error.problems), status_code=422)
    db.commit()
    return RedirectResponse(f"/users?created={user.username}", status_code=303)


def _users_page(
    request: Request,
    admin: Principal,
    scope: Scope,
    db: Session,
    *,
    form: dict[str, str],
    errors: dict[str, list[str]],
    created: str = "",
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "accounts/users.html",
        principal=admin,
        title="用户管理",
        breadcrumbs=[HOME, ("用户管理", None)],
        users=service.list_(session=db, scope=scope),
        roles=list(Role),
        roles_by_value={role.value: role for role in Role},
        form=form,
        errors=errors,
        created=created,
        status_code=status_code,
    )
