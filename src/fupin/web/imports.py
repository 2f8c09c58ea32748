"""导入: upload a CSV/XLSX as a background job, follow its progress, read the counts, fetch the error workbook.

Pages work without JavaScript (the job page refreshes itself until the job ends); htmx, when loaded, swaps only the
progress block instead.
"""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from fupin.accounts.principal import Principal
from fupin.api import uploads
from fupin.api.deps import AfterId, DbSession, RowId, SettingsDep
from fupin.api.imports import download_name, error_workbook, get_job, require_capture, start_import, viewer
from fupin.errors import FupinError
from fupin.jobs import service
from fupin.jobs.models import Job
from fupin.registry import import_job
from fupin.web.deps import ActorDep, CurrentUser
from fupin.web.render import by_field, page

router = APIRouter()
TRAIL = [("首页", "/"), ("导入", "/imports")]
PAGE_SIZE = 20


def upload_limit(request: Request, settings: SettingsDep) -> None:
    """Runs before the CSRF check parses the form, so an oversized body is refused unread."""
    if request.method == "POST":
        uploads.refuse_oversized(request, settings)


@router.get("/imports", summary="导入")
def imports(
    request: Request, principal: CurrentUser, db: DbSession, settings: SettingsDep, before: AfterId = None
) -> Response:
    return _imports_page(request, principal, db, settings, before=before, errors={})


@router.post("/imports", summary="上传并导入")
def upload(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    require_capture(principal)
    try:
        stored = uploads.save(file, settings)
    except FupinError as error:
        return _imports_page(request, principal, db, settings, before=None, errors=by_field(error.problems), status=422)
    job = start_import(db=db, principal=principal, actor=actor, stored=stored, dry_run=dry_run)
    db.commit()
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


@router.get("/imports/{job_id}", summary="导入任务")
def job_page(request: Request, job_id: RowId, principal: CurrentUser, db: DbSession) -> Response:
    job = get_job(db, principal, job_id, kind=import_job.KIND)
    title = f"导入任务 #{job.id}"
    return page(
        request, "imports/job.html", principal=principal, title=title, breadcrumbs=[*TRAIL, (title, None)], job=job
    )


@router.get("/imports/{job_id}/progress", summary="导入任务进度（页面片段）")
def job_progress(request: Request, job_id: RowId, principal: CurrentUser, db: DbSession) -> Response:
    job = get_job(db, principal, job_id, kind=import_job.KIND)
    return page(request, "imports/_progress.html", principal=principal, title="", job=job)


@router.get("/imports/{job_id}/errors.xlsx", summary="下载错误工作簿")
def job_errors(job_id: RowId, principal: CurrentUser, db: DbSession) -> FileResponse:
    job = get_job(db, principal, job_id, kind=import_job.KIND)
    return error_workbook(job, download_name(job))


def _imports_page(
    request: Request,
    principal: Principal,
    db: DbSession,
    settings: SettingsDep,
    *,
    before: int | None,
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    jobs: list[Job] = service.list_(
        session=db, viewer=viewer(principal), kind=import_job.KIND, before_id=before, limit=PAGE_SIZE
    )
    return page(
        request,
        "imports/index.html",
        principal=principal,
        title="导入",
        breadcrumbs=[TRAIL[0], ("导入", None)],
        jobs=jobs,
        next_before=jobs[-1].id if len(jobs) == PAGE_SIZE else None,
        errors=errors,
        max_mb=settings.upload_max_mb,
        status_code=status,
    )
