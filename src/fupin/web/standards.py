"""扶贫标准: the current standard (lines, ranges, indicators, exit criteria), its versions, administrators' edits.

Every edit is one small form; a refused one comes back with the typed values and the message beside the field.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from fupin.accounts.principal import Principal
from fupin.api.deps import DbSession, RowId
from fupin.api.standards import full, require_standards_admin, version_or_404
from fupin.audit import Actor
from fupin.errors import FupinError
from fupin.standards import editing, service
from fupin.standards.models import StandardSet
from fupin.standards.schemas import VersionOut
from fupin.web.deps import ActorDep, CurrentUser
from fupin.web.form_fields import Form
from fupin.web.render import by_field, page

router = APIRouter()
HOME = ("首页", "/")
PARAMETER = "param."


@router.get("/standards", summary="扶贫标准")
def standards_page(request: Request, principal: CurrentUser, db: DbSession, saved: str = "") -> Response:
    return _page(request, principal, db, service.find_current(session=db), saved=saved)


@router.get("/standards/versions/{set_id}", summary="扶贫标准的某一版本")
def version_page(request: Request, set_id: RowId, principal: CurrentUser, db: DbSession) -> Response:
    return _page(request, principal, db, version_or_404(db, set_id))


@router.post("/standards/lines", summary="修改收入线")
def edit_line(request: Request, form: Form, principal: CurrentUser, actor: ActorDep, db: DbSession) -> Response:
    return _edit(request, principal, db, form, "line", lambda: editing.edit_poverty_line(
        session=db, actor=actor, year=form.get("year", ""), province_code=form.get("province_code", ""), values=form
    ))  # fmt: skip


@router.post("/standards/ranges", summary="修改监测范围")
def edit_range(request: Request, form: Form, principal: CurrentUser, actor: ActorDep, db: DbSession) -> Response:
    return _edit(request, principal, db, form, "range", lambda: editing.edit_monitoring_range(
        session=db, actor=actor, year=form.get("year", ""), province_code=form.get("province_code", ""), values=form
    ))  # fmt: skip


@router.post("/standards/indicators", summary="修改指标参数、权重")
def edit_indicator(request: Request, form: Form, principal: CurrentUser, actor: ActorDep, db: DbSession) -> Response:
    code = form.get("code", "")
    return _edit(request, principal, db, form, f"indicator:{code}", lambda: _indicator(db, actor, code, form))


@router.post("/standards/exit", summary="修改退出标准")
def edit_exit(request: Request, form: Form, principal: CurrentUser, actor: ActorDep, db: DbSession) -> Response:
    return _edit(request, principal, db, form, "exit", lambda: editing.edit_exit_criteria(
        session=db, actor=actor, values=form
    ))  # fmt: skip


def _indicator(db: Session, actor: Actor, code: str, form: dict[str, str]) -> StandardSet:
    parameters = {key.removeprefix(PARAMETER): value for key, value in form.items() if key.startswith(PARAMETER)}
    values: dict[str, object] = {key: form[key] for key in ("weight", "required_for_exit") if key in form}
    if parameters:
        values["parameters"] = parameters
    return editing.edit_indicator(session=db, actor=actor, code=code, values=values)


def _edit(
    request: Request,
    principal: Principal,
    db: Session,
    form: dict[str, str],
    key: str,
    change: Callable[[], StandardSet],
) -> Response:
    require_standards_admin(principal)
    try:
        standard = change()
    except FupinError as error:
        db.rollback()
        failed = {"key": key, "errors": by_field(error.problems), "typed": form}
        return _page(request, principal, db, service.find_current(session=db), failed=failed, status_code=422)
    db.commit()
    return RedirectResponse(f"/standards?saved={standard.version}", status_code=303)


def _page(
    request: Request,
    principal: Principal,
    db: Session,
    standard: StandardSet | None,
    *,
    saved: str = "",
    failed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    shown = full(db, standard) if standard is not None else None
    editable = shown is not None and shown.is_current and principal.role.manages_users
    title = "扶贫标准" if shown is None or shown.is_current else f"扶贫标准（第{shown.version}版）"
    crumbs = [HOME, ("扶贫标准", "/standards" if title != "扶贫标准" else None)]
    return page(
        request,
        "standards/index.html",
        principal=principal,
        title=title,
        breadcrumbs=crumbs if title == "扶贫标准" else [*crumbs, (title, None)],
        standard=shown,
        versions=[VersionOut.of(db, s, c) for s, c in service.versions(session=db)],
        editable=editable,
        saved=saved,
        failed=failed or {"key": "", "errors": {}, "typed": {}},
        status_code=status_code,
    )
