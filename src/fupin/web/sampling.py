"""评估抽样: the samples in scope, the draw form, a sample's households with a survey form each, the field team's
sheet (download and upload) and the estimates that feed the county's exit check."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from sqlalchemy import select
from starlette.responses import FileResponse, RedirectResponse, Response

from fupin.accounts.principal import Principal
from fupin.api import uploads
from fupin.api.deps import DbSession, RowId, SettingsDep
from fupin.api.sampling import draw, require_capture_of, survey_file
from fupin.assessment import sample as samples
from fupin.assessment import survey
from fupin.assessment.exit_models import Sample, SampleHousehold
from fupin.assessment.sample import STRATUM_LABELS, DrawRequest
from fupin.divisions import service as divisions
from fupin.divisions.codes import pad
from fupin.errors import FupinError, Location, Problem
from fupin.registry.models import Household
from fupin.web.deps import ActorDep, CurrentUser, ScopeDep
from fupin.web.render import by_field, page

router = APIRouter()
TRAIL = [("首页", "/"), ("评估抽样", "/samples")]
ANSWER = {"": None, "是": True, "否": False}


@router.get("/samples", summary="评估抽样")
def samples_page(
    request: Request,
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    county: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$")] = "",
) -> Response:
    return _index(request, principal, db, values={"county": county}, errors={})


@router.post("/samples", summary="抽取样本")
def draw_form(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    county: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    seed: Annotated[str, Form()] = "",
    margin: Annotated[str, Form()] = "0.05",
    confidence: Annotated[str, Form()] = "0.95",
    villages: Annotated[str, Form()] = "30",
) -> Response:
    values = {"county": county, "year": year, "seed": seed, "margin": margin, "confidence": confidence,
              "villages": villages}  # fmt: skip
    try:
        sample = draw(db, principal, actor, _draw_request(values))
    except FupinError as error:
        if any(p.slug == "division-not-found" for p in error.problems) and county.strip().isdigit():
            error = FupinError(*(Problem(p.slug, p.message, Location(field="county"), county) for p in error.problems))
        return _index(request, principal, db, values=values, errors=by_field(error.problems), status=422)
    db.commit()
    return RedirectResponse(f"/samples/{sample.id}", status_code=303)


def _draw_request(values: dict[str, str]) -> DrawRequest:
    problems = []

    def number(name: str, kind: type, low: float, high: float, label: str) -> float:
        try:
            value = kind(values[name].strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            problems.append(
                Problem("form-field", f"{label}填写有误", Location(field=name), values[name], f"{low}到{high}之间")
            )
            return low
        return float(value)

    year = number("year", int, 2000, 2100, "年度")
    seed = number("seed", int, 0, 2**31 - 1, "随机种子")
    margin = number("margin", float, 0.001, 0.5, "允许误差")
    confidence = number("confidence", float, 0.5, 0.999, "置信度")
    villages = number("villages", int, 1, 1000, "村数")
    county = values["county"].strip()
    if not (county.isdigit() and len(county) in (6, 12)):
        problems.append(
            Problem("form-field", "县代码填写有误", Location(field="county"), county, "6位或12位县级区划代码")
        )
    if problems:
        raise FupinError(*problems)
    return DrawRequest(county_code=pad(county), year=int(year), seed=int(seed), margin=margin, confidence=confidence,
                       villages=int(villages))  # fmt: skip


def _index(
    request: Request, principal: Principal, db: DbSession, *, values: dict[str, str], errors: dict[str, list[str]],
    status: int = 200,
) -> Response:  # fmt: skip
    found = samples.samples_in(session=db, scope=principal.scope)
    names = divisions.names(session=db, codes=sorted({s.county_code for s in found} | {values.get("county", "")}))
    defaults = {
        "year": str(date.today().year - 1),
        "seed": "",
        "margin": "0.05",
        "confidence": "0.95",
        "villages": "30",
    }
    return page(request, "sampling/index.html", principal=principal, title="评估抽样",
                breadcrumbs=[TRAIL[0], ("评估抽样", None)], samples=found, names=names,
                values={**defaults, **values}, errors=errors, status_code=status)  # fmt: skip


@router.get("/samples/{sample_id}", summary="抽样：样本户、调查结果和估计")
def sample_page(
    request: Request,
    sample_id: RowId,
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    household: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="要填写调查结果的户")] = None,
) -> Response:
    sample = samples.get_sample(session=db, scope=scope, sample_id=sample_id)
    return _sample(request, principal, db, sample, household=household, errors={})


def _sample(
    request: Request, principal: Principal, db: DbSession, sample: Sample, *, household: int | None,
    errors: dict[str, list[str]], upload: survey.UploadResult | None = None, status: int = 200,
) -> Response:  # fmt: skip
    rows = db.execute(
        select(SampleHousehold, Household.household_number)
        .join(Household, Household.id == SampleHousehold.household_id)
        .where(SampleHousehold.sample_id == sample.id)
        .order_by(SampleHousehold.division_code, Household.household_number)
    ).all()
    names = divisions.names(session=db, codes=sorted({unit.division_code for unit, _ in rows} | {sample.county_code}))
    editing = next(((unit, number) for unit, number in rows if unit.household_id == household), None)
    title = f"抽样 #{sample.id}"
    return page(request, "sampling/sample.html", principal=principal, title=title,
                breadcrumbs=[*TRAIL, (title, None)], sample=sample, rows=rows, names=names, editing=editing,
                strata=STRATUM_LABELS, estimates=survey.estimates(session=db, sample=sample), errors=errors,
                upload=upload, may_edit=principal.scope.can_capture(sample.county_code[:6]),
                status_code=status)  # fmt: skip


@router.get("/samples/{sample_id}/survey.xlsx", summary="下载调查表")
def sample_sheet(sample_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> FileResponse:
    return survey_file(db, samples.get_sample(session=db, scope=scope, sample_id=sample_id))


@router.post("/samples/{sample_id}/survey", summary="保存一户的调查结果")
def survey_form(
    request: Request,
    sample_id: RowId,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    household_id: Annotated[str, Form()] = "",
    wrongly_exited: Annotated[str, Form()] = "",
    missed: Annotated[str, Form()] = "",
    approves: Annotated[str, Form()] = "",
    people: Annotated[str, Form()] = "",
    surveyor: Annotated[str, Form()] = "",
    surveyed_on: Annotated[str, Form()] = "",
) -> Response:
    sample = samples.get_sample(session=db, scope=principal.scope, sample_id=sample_id)
    require_capture_of(principal, sample.county_code)
    chosen = int(household_id) if household_id.isdigit() and len(household_id) < 10 else None
    try:
        answers = _answers(wrongly_exited, missed, approves, people, surveyor, surveyed_on)
        survey.record_answers(session=db, actor=actor, sample=sample, household_id=chosen or 0, answers=answers)
    except FupinError as error:
        return _sample(request, principal, db, sample, household=chosen, errors=by_field(error.problems), status=422)
    db.commit()
    return RedirectResponse(f"/samples/{sample.id}#h{chosen}", status_code=303)


def _answers(wrong: str, missed: str, approves: str, people: str, surveyor: str, surveyed_on: str) -> survey.Answers:
    problems = [
        Problem("yes-no-invalid", "只能选是、否或留空", Location(field=name), value, "是 或 否")
        for name, value in (("wrongly_exited", wrong), ("missed", missed), ("approves", approves))
        if value not in ANSWER
    ]
    count = int(people) if people.strip().isdigit() and len(people.strip()) <= 2 else None
    if people.strip() and count is None:
        problems.append(
            Problem("people-invalid", "调查人数填写有误", Location(field="people"), people, "0到99之间的整数")
        )
    try:
        day = date.fromisoformat(surveyed_on) if surveyed_on else None
    except ValueError:
        day = None
        problems.append(
            Problem("date-invalid", "调查日期无法识别", Location(field="surveyed_on"), surveyed_on, "如 2020-06-15")
        )
    if len(surveyor) > 50:
        problems.append(Problem("form-field", "调查员姓名太长", Location(field="surveyor"), None, "不超过50个字"))
    if problems:
        raise FupinError(*problems)
    return survey.Answers(
        ANSWER.get(wrong), ANSWER.get(missed), ANSWER.get(approves), count, surveyor.strip() or None, day
    )


@router.post("/samples/{sample_id}/results", summary="上传调查结果")
def results_upload(
    request: Request,
    sample_id: RowId,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    sample = samples.get_sample(session=db, scope=principal.scope, sample_id=sample_id)
    require_capture_of(principal, sample.county_code)
    try:
        stored = uploads.save(file, settings)
        result = survey.import_results(session=db, actor=actor, sample=sample, path=stored.path)
    except FupinError as error:
        return _sample(request, principal, db, sample, household=None, errors=by_field(error.problems), status=422)
    db.commit()
    return _sample(request, principal, db, sample, household=None, errors={}, upload=result)
