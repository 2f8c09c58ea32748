"""/api/v1/standards: the current standard, its versions, and administrators' edits (each a new version).

Standards are national data, not scoped: every signed-in user reads them; only administrators change them.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from fupin.accounts.principal import Principal
from fupin.api.deps import ActorDep, CurrentUser, DbSession, RowId
from fupin.api.errors import ErrorBody
from fupin.audit import Actor, Changeset
from fupin.errors import ForbiddenError, NotFoundError, Problem
from fupin.standards import editing, schemas, service
from fupin.standards.models import StandardSet

router = APIRouter(tags=["standards"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "没有该版本（或尚未载入标准）"}}
EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "只有系统管理员可以修改标准"},
    422: {"model": ErrorBody, "description": "取值不合格（按字段列出），或没有任何改动；未保存任何内容"},
}


def require_standards_admin(principal: Principal) -> None:
    if not principal.role.manages_users:
        message = f"无权修改：只有系统管理员可以修改扶贫标准（您是{principal.role.label}）"
        raise ForbiddenError(Problem("standards-forbidden", message))


def current_or_404(db: Session) -> StandardSet:
    standard = service.find_current(session=db)
    if standard is None:
        raise NotFoundError(Problem("standard-missing", "尚未载入评估标准", expected="先运行 fupin standards load"))
    return standard


def version_or_404(db: Session, set_id: int) -> StandardSet:
    standard = service.get(session=db, set_id=set_id)
    if standard is None:
        raise NotFoundError(Problem("standard-not-found", f"没有编号为 {set_id} 的标准版本"))
    return standard


def full(db: Session, standard: StandardSet) -> schemas.StandardOut:
    changeset = db.get(Changeset, standard.created_changeset_id)
    assert changeset is not None  # every version is created inside a changeset (foreign key)
    return schemas.StandardOut.of(db, standard, changeset)


@router.get("/standards/current", summary="当前执行的扶贫标准（收入线、监测范围、指标、退出标准）", responses=NOT_FOUND)
def read_current(principal: CurrentUser, db: DbSession) -> schemas.StandardOut:
    return full(db, current_or_404(db))


@router.get("/standards/versions", summary="标准的全部版本（新的在前），含创建人、时间和修改内容")
def list_versions(principal: CurrentUser, db: DbSession) -> list[schemas.VersionOut]:
    return [schemas.VersionOut.of(db, standard, changeset) for standard, changeset in service.versions(session=db)]


@router.get("/standards/versions/{set_id}", summary="标准的某一版本（旧的评估结论引用它）", responses=NOT_FOUND)
def read_version(set_id: RowId, principal: CurrentUser, db: DbSession) -> schemas.StandardOut:
    return full(db, version_or_404(db, set_id))


@router.patch(
    "/standards/current/poverty-line",
    summary="修改或新增某年某省的识别线和退出线（生成新版本）",
    responses=EDIT_RESPONSES,
)
def edit_poverty_line(
    body: schemas.PovertyLineEdit, principal: CurrentUser, actor: ActorDep, db: DbSession
) -> schemas.StandardOut:
    return _yearly(editing.edit_poverty_line, body, principal, actor, db)


@router.patch(
    "/standards/current/monitoring-range",
    summary="修改或新增某年某省的监测范围（生成新版本）",
    responses=EDIT_RESPONSES,
)
def edit_monitoring_range(
    body: schemas.MonitoringRangeEdit, principal: CurrentUser, actor: ActorDep, db: DbSession
) -> schemas.StandardOut:
    return _yearly(editing.edit_monitoring_range, body, principal, actor, db)


@router.patch(
    "/standards/current/indicator", summary="修改指标的参数、权重或是否退出必需（生成新版本）", responses=EDIT_RESPONSES
)
def edit_indicator(
    body: schemas.IndicatorEdit, principal: CurrentUser, actor: ActorDep, db: DbSession
) -> schemas.StandardOut:
    require_standards_admin(principal)
    standard = editing.edit_indicator(session=db, actor=actor, code=body.code, values=body.values())
    return _saved(db, standard)


@router.patch("/standards/current/exit-criteria", summary="修改退出标准（生成新版本）", responses=EDIT_RESPONSES)
def edit_exit_criteria(
    body: schemas.ExitCriteriaEdit, principal: CurrentUser, actor: ActorDep, db: DbSession
) -> schemas.StandardOut:
    require_standards_admin(principal)
    standard = editing.edit_exit_criteria(session=db, actor=actor, values=body.values())
    return _saved(db, standard)


def _yearly(
    edit: Callable[..., StandardSet],
    body: schemas.PovertyLineEdit | schemas.MonitoringRangeEdit,
    principal: Principal,
    actor: Actor,
    db: Session,
) -> schemas.StandardOut:
    require_standards_admin(principal)
    standard = edit(session=db, actor=actor, year=body.year, province_code=body.province_code, values=body.values())
    return _saved(db, standard)


def _saved(db: Session, standard: StandardSet) -> schemas.StandardOut:
    answer = full(db, standard)
    db.commit()
    return answer
