"""/api/v1 assessments: start a run as a job (202), list runs, one run's counts, a household's verdicts.

Runs are read within the caller's scope: a run that does not overlap it answers 404, and a run's counts cover only
the verdicts inside the scope.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from sqlalchemy.orm import Session

from fupin.accounts.principal import Principal
from fupin.api.deps import ActorDep, AfterId, CurrentUser, DbSession, RowId, ScopeDep, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.api.imports import viewer
from fupin.assessment import assess_job, runs, schemas
from fupin.assessment.service import explain
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, FupinError, NotFoundError, Problem
from fupin.jobs import service as jobs
from fupin.jobs.models import Job
from fupin.jobs.schemas import JobOut
from fupin.registry import codelists
from fupin.registry import service as registry
from fupin.registry.codelists import CodeList
from fupin.registry.models import Household
from fupin.registry.service import Belongings
from fupin.standards.service import VersionKey

router = APIRouter(tags=["assessment"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "不存在或不在您的数据范围内"}}


def require_assessor(principal: Principal) -> None:
    if not principal.role.can_capture:
        message = f"无权发起评估：「{principal.role.label}」只能查看评估结果"
        raise ForbiddenError(Problem("assess-forbidden", message))


def start_assessment(*, db: Session, principal: Principal, actor: Actor, year: object, division: str) -> Job:
    """Queue a run for a year and a division inside the user's scope; the caller commits."""
    require_assessor(principal)
    when, prefix = assess_job.check_request(session=db, scope=principal.scope, year=year, division=division)
    return jobs.create(
        session=db,
        kind=assess_job.KIND,
        parameters=assess_job.parameters(year=when, scope_prefix=prefix, actor=actor),
        created_by_id=principal.user_id,
        scope_prefix=principal.scope_prefix,
    )


def get_assess_job(db: Session, principal: Principal, job_id: int) -> Job:
    job = jobs.get(session=db, viewer=viewer(principal), job_id=job_id, kind=assess_job.KIND)
    if job is None:
        raise NotFoundError(Problem("job-not-found", f"找不到编号为 {job_id} 的评估任务（不存在，或不是您提交的）"))
    return job


def run_detail(db: Session, scope: Scope, run_id: int) -> schemas.RunDetailOut:
    row = runs.get_or_raise(session=db, scope=scope, run_id=run_id)
    counts = runs.counts(session=db, scope=scope, run=row.run)
    return schemas.RunDetailOut.with_counts(row, counts, whole=runs.whole(scope, row.run))


def household_assessment(
    db: Session,
    household: Household,
    lists: dict[str, CodeList],
    *,
    held: Belongings | None = None,
    read: tuple[list[runs.HouseholdVerdict], VersionKey | None] | None = None,
) -> schemas.HouseholdAssessmentOut:
    """Stored verdicts across runs and the current standard's live explanation for the newest year concerned.

    `held`: the household's live members and incomes, `read`: its verdicts and the current version's key, when the
    caller has read them already (the household page reads them with its other parts), so that they, the newest
    income year and the current version are not asked of the database again.
    """
    verdicts, current = read if read is not None else runs.verdicts_and_current(session=db, household_id=household.id)
    if verdicts:
        year: int | None = verdicts[0].run.year
    elif held is not None:
        year = max((row.year for row in held.incomes), default=None)
    else:
        year = runs.latest_income_year(session=db, household_id=household.id)
    explanation: list[schemas.ExplainedOut] = []
    problem = None if year is not None else "该户没有收入记录，也没有评估结论，无法逐项解释"
    if year is not None:
        try:
            explanation = [
                schemas.ExplainedOut.of(item)
                for item in explain(session=db, household=household, year=year, lists=lists, held=held, current=current)
            ]
        except FupinError as error:
            problem = "；".join(p.text() for p in error.problems)
    return schemas.HouseholdAssessmentOut(
        household_id=household.id,
        verdicts=[schemas.VerdictOut.of(found) for found in verdicts],
        explanation_year=year,
        explanation=explanation,
        explanation_problem=problem,
    )


@router.post(
    "/assessments",
    summary="发起评估（返回 202 和排队的任务；进度见 /jobs/{job_id}）",
    status_code=status.HTTP_202_ACCEPTED,
    responses={404: {"model": ErrorBody, "description": "区划不存在或不在您的数据范围内"}},
)
def create_assessment(body: schemas.AssessmentStart, principal: CurrentUser, actor: ActorDep, db: DbSession) -> JobOut:
    job = start_assessment(db=db, principal=principal, actor=actor, year=body.year, division=body.division)
    db.commit()
    return JobOut.of(job, None)


@router.get("/assessments/runs", summary="与您数据范围相关的评估（新的在前，before_id 翻页）")
def list_runs(
    scope: ScopeDep, db: DbSession, before_id: AfterId = None, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[schemas.RunOut]:
    return [
        schemas.RunOut.of(row, whole=runs.whole(scope, row.run))
        for row in runs.list_(session=db, scope=scope, before_id=before_id, limit=limit)
    ]


@router.get(
    "/assessments/runs/{run_id}", summary="一次评估：按结论和按未达到指标的户数（您数据范围内）", responses=NOT_FOUND
)
def read_run(run_id: RowId, scope: ScopeDep, db: DbSession) -> schemas.RunDetailOut:
    return run_detail(db, scope, run_id)


@router.get(
    "/households/{household_id}/assessment", summary="农户的历次评估结论和按当前标准的逐项解释", responses=NOT_FOUND
)
def household_verdicts(
    household_id: RowId, scope: ScopeDep, db: DbSession, settings: SettingsDep
) -> schemas.HouseholdAssessmentOut:
    household = registry.get_or_raise(session=db, scope=scope, household_id=household_id)
    return household_assessment(db, household, codelists.load(settings.codelists_file))
