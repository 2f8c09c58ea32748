"""/api/v1 assessment samples: draw, read with estimates, the field team's sheet, survey results by form or upload."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile, status
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import FileResponse

from fupin.accounts.principal import Principal
from fupin.api import uploads
from fupin.api.deps import ActorDep, CurrentUser, DbSession, RowId, ScopeDep, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.api.exit import XLSX, download
from fupin.assessment import sample as samples
from fupin.assessment import survey
from fupin.assessment.exit_models import Sample, SampleHousehold
from fupin.assessment.exit_schemas import (
    AnswersIn,
    DrawIn,
    EstimatesOut,
    SampleDetailOut,
    SampledOut,
    SampleOut,
    UploadOut,
)
from fupin.audit import Actor
from fupin.divisions.codes import prefix
from fupin.errors import ForbiddenError, Problem

router = APIRouter(tags=["sampling"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "抽样或县不存在，或不在您的数据范围内"}
}


def require_capture_of(principal: Principal, county_code: str) -> None:
    """Drawing and recording results change data: a role that may capture, over the whole county."""
    if not principal.scope.can_capture(prefix(county_code)):
        message = f"无权操作：「{principal.role.label}」的录入范围不包括该县"
        raise ForbiddenError(Problem("capture-forbidden", message, expected="录入范围覆盖整个县的用户"))


def draw(db: Session, principal: Principal, actor: Actor, request: samples.DrawRequest) -> Sample:
    county = samples.county_or_404(db, principal.scope, request.county_code)
    require_capture_of(principal, county)
    return samples.draw_sample(session=db, scope=principal.scope, actor=actor, request=request)


def detail(db: Session, sample: Sample) -> SampleDetailOut:
    units = db.scalars(
        select(SampleHousehold)
        .where(SampleHousehold.sample_id == sample.id)
        .order_by(SampleHousehold.division_code, SampleHousehold.household_id)
    )
    return SampleDetailOut(
        sample=SampleOut.of(sample),
        estimates=EstimatesOut.of(survey.estimates(session=db, sample=sample)),
        households=[SampledOut.of(unit) for unit in units],
    )


def survey_file(db: Session, sample: Sample) -> FileResponse:
    return download(
        lambda path: survey.export_sheet(session=db, sample=sample, path=path), f"抽样调查表_{sample.id}.xlsx"
    )


@router.get("/samples", summary="本人数据范围内的抽样（最新在前）")
def list_samples(principal: CurrentUser, scope: ScopeDep, db: DbSession) -> list[SampleOut]:
    return [SampleOut.of(sample) for sample in samples.samples_in(session=db, scope=scope)]


@router.post(
    "/samples",
    summary="按误差和置信度抽取一个县的评估样本（村按 PPS，村内已脱贫户和非建档立卡户分层）",
    status_code=status.HTTP_201_CREATED,
    responses=NOT_FOUND,
)
def create_sample(body: DrawIn, principal: CurrentUser, actor: ActorDep, db: DbSession) -> SampleOut:
    request = samples.DrawRequest(
        county_code=body.county_code, year=body.year, seed=body.seed, margin=body.margin,
        confidence=body.confidence, villages=body.villages,
    )  # fmt: skip
    sample = draw(db, principal, actor, request)
    db.commit()
    return SampleOut.of(sample)


@router.get(
    "/samples/{sample_id}", summary="抽样：参数、样本户及调查结果、三率一度估计（含置信区间）", responses=NOT_FOUND
)
def read_sample(sample_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> SampleDetailOut:
    return detail(db, samples.get_sample(session=db, scope=scope, sample_id=sample_id))


@router.get(
    "/samples/{sample_id}/survey.xlsx",
    summary="下载调查表（XLSX，供调查组填写后上传）",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}, "description": "调查表（XLSX）"}, **NOT_FOUND},
)
def sample_sheet(sample_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> FileResponse:
    return survey_file(db, samples.get_sample(session=db, scope=scope, sample_id=sample_id))


@router.put(
    "/samples/{sample_id}/households/{household_id}",
    summary="记录一户的调查结果（是否错退、是否漏评、是否认可、人数）",
    responses=NOT_FOUND,
)
def record_household(
    sample_id: RowId, household_id: RowId, body: AnswersIn, principal: CurrentUser, actor: ActorDep, db: DbSession
) -> SampledOut:
    sample = samples.get_sample(session=db, scope=principal.scope, sample_id=sample_id)
    require_capture_of(principal, sample.county_code)
    answers = survey.Answers(body.wrongly_exited, body.missed, body.approves, body.people, body.surveyor,
                             body.surveyed_on)  # fmt: skip
    unit = survey.record_answers(session=db, actor=actor, sample=sample, household_id=household_id, answers=answers)
    db.commit()
    return SampledOut.of(unit)


@router.post(
    "/samples/{sample_id}/results",
    summary="上传填好的调查表（有误的行被拒绝并逐行说明，其余保存）",
    responses=NOT_FOUND,
)
def upload_results(
    sample_id: RowId,
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File(description="导出的调查表（XLSX 或 CSV），填好后上传")] = None,
) -> UploadOut:
    sample = samples.get_sample(session=db, scope=principal.scope, sample_id=sample_id)
    require_capture_of(principal, sample.county_code)
    uploads.refuse_oversized(request, settings)
    stored = uploads.save(file, settings)
    result = survey.import_results(
        session=db, actor=actor, sample=sample, path=stored.path, error_path=stored.path.with_name("errors.xlsx")
    )
    db.commit()
    return UploadOut.of(result)
