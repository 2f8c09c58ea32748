"""评估 pages: the runs a user may see, a form to start one as a job, the job's live progress, one run's counts.

The job page refreshes itself until the job ends (htmx, when loaded, swaps only the progress block instead).
"""

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from fupin.accounts.principal import Principal
from fupin.api.assessment import get_assess_job, run_detail, start_assessment
from fupin.api.deps import AfterId, DbSession, RowId
from fupin.api.imports import viewer
from fupin.assessment import assess_job, runs
from fupin.assessment.schemas import RunOut
from fupin.divisions import service as divisions
from fupin.errors import FupinError, NotFoundError
from fupin.jobs import service as jobs
from fupin.standards import service as standards
from fupin.web.deps import ActorDep, CurrentUser, ScopeDep
from fupin.web.form_fields import Form
from fupin.web.render import by_field, page

router = APIRouter()
TRAIL = [("首页", "/"), ("评估", "/assessments")]
PAGE_SIZE = 20


@router.get("/assessments", summary="评估")
def assessments(request: Request, principal: CurrentUser, db: DbSession, before: AfterId = None) -> Response:
    return _index(request, principal, db, before=before, typed={}, errors={})


@router.post("/assessments", summary="发起评估")
def start(request: Request, form: Form, principal: CurrentUser, actor: ActorDep, db: DbSession) -> Response:
    try:
        job = start_assessment(
            db=db, principal=principal, actor=actor, year=form.get("year", ""), division=form.get("division", "")
        )
    except FupinError as error:
        db.rollback()
        if not principal.role.can_capture:
            raise
        status = 404 if isinstance(error, NotFoundError) else 422
        return _index(request, principal, db, before=None, typed=form, errors=by_field(error.problems), status=status)
    db.commit()
    return RedirectResponse(f"/assessments/jobs/{job.id}", status_code=303)


@router.get("/assessments/jobs/{assess_job_id}", summary="评估任务")
def job_page(request: Request, assess_job_id: RowId, principal: CurrentUser, db: DbSession) -> Response:
    job = get_assess_job(db, principal, assess_job_id)
    title = f"评估任务 #{job.id}"
    return page(
        request, "assessment/job.html", principal=principal, title=title, breadcrumbs=[*TRAIL, (title, None)], job=job
    )


@router.get("/assessments/jobs/{assess_job_id}/progress", summary="评估任务进度（页面片段）")
def job_progress(request: Request, assess_job_id: RowId, principal: CurrentUser, db: DbSession) -> Response:
    job = get_assess_job(db, principal, assess_job_id)
    return page(request, "assessment/_progress.html", principal=principal, title="", job=job)


@router.get("/assessments/runs/{run_id}", summary="评估结果")
def run_page(request: Request, run_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> Response:
    detail = run_detail(db, scope, run_id)
    title = f"评估 #{detail.id}（{detail.year}年）"
    return page(
        request,
        "assessment/run.html",
        principal=principal,
        title=title,
        breadcrumbs=[*TRAIL, (title, None)],
        run=detail,
        place=_place(db, detail.scope_prefix),
        whole=detail.households is not None,
    )


def _place(db: Session, prefix: str) -> str:
    if not prefix:
        return "全国"
    unit = divisions.get(session=db, code=prefix.ljust(12, "0"))
    return f"{unit.name}（{prefix}）" if unit else prefix


def _index(
    request: Request,
    principal: Principal,
    db: Session,
    *,
    before: int | None,
    typed: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    scope = principal.scope
    found = runs.list_(session=db, scope=scope, before_id=before, limit=PAGE_SIZE)
    standard = standards.find_current(session=db)
    years = [line.year for line in standards.poverty_lines(session=db, standard=standard)] if standard else []
    return page(
        request,
        "assessment/index.html",
        principal=principal,
        title="评估",
        breadcrumbs=[TRAIL[0], ("评估", None)],
        runs=[RunOut.of(row, whole=runs.whole(scope, row.run)) for row in found],
        places={row.run.scope_prefix: _place(db, row.run.scope_prefix) for row in found},
        next_before=found[-1].run.id if len(found) == PAGE_SIZE else None,
        jobs=jobs.list_(session=db, viewer=viewer(principal), kind=assess_job.KIND, limit=10),
        standard=standard,
        years=sorted(set(years), reverse=True),
        typed=typed,
        errors=errors,
        status_code=status,
    )
