"""/api/v1 imports and jobs: upload a file (202 with the queued job), follow it, fetch its error workbook.

Another user's job answers 404, exactly as a job that does not exist.
"""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from sqlalchemy.orm import Session
from starlette.responses import FileResponse

from fupin.accounts.principal import Principal
from fupin.api import uploads
from fupin.api.deps import ActorDep, AfterId, CurrentUser, DbSession, RowId, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.audit import Actor
from fupin.errors import ForbiddenError, NotFoundError, Problem
from fupin.jobs import service
from fupin.jobs.models import Job
from fupin.jobs.schemas import JobOut
from fupin.registry import import_job

router = APIRouter(tags=["imports"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "任务不存在，或不是您提交的"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def viewer(principal: Principal) -> service.Viewer:
    return service.Viewer(principal.user_id, principal.role.manages_users, principal.scope)


def require_capture(principal: Principal) -> None:
    if not principal.role.can_capture:
        message = f"无权导入：「{principal.role.label}」只能查看数据，不能导入或修改"
        raise ForbiddenError(Problem("capture-forbidden", message))


def start_import(*, db: Session, principal: Principal, actor: Actor, stored: uploads.StoredFile, dry_run: bool) -> Job:
    """Queue the import of a stored upload, with the uploader's capture scope; the caller commits."""
    parameters = import_job.parameters(
        path=stored.path.resolve(),
        filename=stored.filename,
        dry_run=dry_run,
        actor=actor,
        capture_prefix=principal.scope.capture_prefix,
    )
    return service.create(
        session=db,
        kind=import_job.KIND,
        parameters=parameters,
        created_by_id=principal.user_id,
        scope_prefix=principal.scope_prefix,
    )


def get_job(db: Session, principal: Principal, job_id: int, kind: str | None = None) -> Job:
    job = service.get(session=db, viewer=viewer(principal), job_id=job_id, kind=kind)
    if job is None:
        raise NotFoundError(Problem("job-not-found", f"找不到编号为 {job_id} 的任务（不存在，或不是您提交的）"))
    return job


def error_workbook(job: Job, download_name: str) -> FileResponse:
    name = (job.result or {}).get("error_workbook")
    path = Path(job.parameters["path"]).parent / name if name else None
    if path is None or not path.exists():
        raise NotFoundError(Problem("error-workbook-missing", "该任务没有错误工作簿（没有被拒绝的行，或尚未完成）"))
    return FileResponse(path, media_type=XLSX, filename=download_name)


def download_name(job: Job) -> str:
    return f"{Path(job.parameters.get('filename', '导入')).stem}.错误.xlsx"


@router.post("/imports", summary="上传 CSV/XLSX 并排队导入（返回 202 和任务）", status_code=status.HTTP_202_ACCEPTED)
def create_import(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File(description="CSV 或 XLSX 文件")] = None,
    dry_run: Annotated[bool, Form(description="只校验，不写入")] = False,
) -> JobOut:
    require_capture(principal)
    uploads.refuse_oversized(request, settings)
    stored = uploads.save(file, settings)
    job = start_import(db=db, principal=principal, actor=actor, stored=stored, dry_run=dry_run)
    db.commit()
    return JobOut.of(job, None)


@router.get("/imports", summary="本人提交的导入任务（按时间倒序，before_id 翻页）")
def list_imports(
    principal: CurrentUser,
    db: DbSession,
    before_id: AfterId = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[JobOut]:
    jobs = service.list_(session=db, viewer=viewer(principal), kind=import_job.KIND, before_id=before_id, limit=limit)
    return [JobOut.of(job, _errors_url(job)) for job in jobs]


@router.get("/jobs/{job_id}", summary="任务的状态、进度和结果", responses=NOT_FOUND)
def read_job(job_id: RowId, principal: CurrentUser, db: DbSession) -> JobOut:
    job = get_job(db, principal, job_id)
    return JobOut.of(job, _errors_url(job))


@router.get(
    "/jobs/{job_id}/errors.xlsx",
    summary="下载导入任务的错误工作簿",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}, "description": "错误工作簿（XLSX）"}, **NOT_FOUND},
)
def job_errors(job_id: RowId, principal: CurrentUser, db: DbSession) -> FileResponse:
    job = get_job(db, principal, job_id, kind=import_job.KIND)
    return error_workbook(job, download_name(job))


def _errors_url(job: Job) -> str:
    return f"/api/v1/jobs/{job.id}/errors.xlsx"
