"""退出评估: the readiness report of a village or county (page, XLSX, printable), and the rural populations.

The printable view is a page of its own without the menu, with print CSS; a PDF is the browser's 打印 → 另存为 PDF.
"""

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from fupin.accounts.principal import Principal
from fupin.analytics import dashboard
from fupin.api import uploads
from fupin.api.deps import DbSession, SettingsDep
from fupin.api.exit import PAGE_SIZE, Year, report_file, report_or_404, require_capture
from fupin.assessment import population
from fupin.assessment.readiness_export import interval, percent, standard, summary_rows, verdict
from fupin.divisions import service as divisions
from fupin.divisions.codes import LEVEL_NAMES, pad
from fupin.errors import FupinError
from fupin.web.deps import ActorDep, CurrentUser, ScopeDep
from fupin.web.render import by_field, page, templates

router = APIRouter()
TRAIL = [("首页", "/"), ("退出评估", "/exit")]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000, description="页码")]
templates.env.filters.update(percent=percent, verdict=verdict, standard=standard, interval=interval)
POPULATION_PAGE = 100


@router.get("/exit", summary="退出评估：选择村或县")
def exit_index(
    request: Request,
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    code: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$", description="村或县的代码")] = "",
) -> Response:
    if code:
        return RedirectResponse(f"/exit/{code}", status_code=303)
    root = dashboard.scope_root(scope)
    unit = divisions.get(session=db, code=root) if root else None
    if unit is not None and unit.level in (3, 5):
        return RedirectResponse(f"/exit/{unit.code}", status_code=303)
    counties = (
        divisions.descendants(session=db, prefix=scope.view_prefix or "", level=3)
        if scope.view_prefix is not None
        else []
    )
    return page(
        request,
        "exit/index.html",
        principal=principal,
        title="退出评估",
        breadcrumbs=[TRAIL[0], ("退出评估", None)],
        counties=counties[:200],
    )


@router.get("/exit/{code}", summary="退出评估报告")
def exit_page(
    request: Request,
    code: str,
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    year: Year = None,
    page_number: PageNumber = 1,
) -> Response:
    found = report_or_404(db, scope, code, year, page_number)
    title = f"{found.unit.name}退出评估"
    pages = max(1, -(-found.blocking_total // PAGE_SIZE))
    county = pad(found.unit.code[:6])
    above = divisions.get(session=db, code=county) if found.unit.level == 5 and scope.covers(county[:6]) else None
    trail = [*TRAIL, *([(above.name, f"/exit/{above.code}")] if above else []), (found.unit.name, None)]
    return page(
        request,
        "exit/report.html",
        principal=principal,
        title=title,
        breadcrumbs=trail,
        found=found,
        level=LEVEL_NAMES[found.unit.level],
        pages=pages,
        link_villages=True,
    )


@router.get("/exit/{code}/report.xlsx", summary="下载退出评估报告（XLSX）")
def exit_xlsx(code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None) -> FileResponse:
    return report_file(db, scope, code, year)


@router.get("/exit/{code}/print", summary="退出评估报告（打印版）")
def exit_print(
    request: Request, code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None
) -> Response:
    found = report_or_404(db, scope, code, year, size=10_000)
    values = {"found": found, "summary": summary_rows(found), "title": f"{found.unit.name}退出评估报告"}
    return templates.TemplateResponse(request, "exit/print.html", values)


@router.get("/population", summary="农村人口")
def population_page(
    request: Request,
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    division: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$")] = "",
    year: Annotated[str, Query(pattern=r"^(\d{4})?$", description="年度（空为全部）")] = "",
    page_number: PageNumber = 1,
) -> Response:
    chosen = int(year) if year else None
    return _population(request, principal, db, division=division, year=chosen, page_number=page_number)


@router.post("/population", summary="上传农村人口")
def population_upload(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    require_capture(principal)
    try:
        stored = uploads.save(file, settings)
        result = population.import_population(session=db, path=stored.path, actor=actor, scope=principal.scope)
    except FupinError as error:
        return _population(request, principal, db, errors=by_field(error.problems), status=422)
    db.commit()
    return _population(request, principal, db, result=result)


def _population(
    request: Request,
    principal: Principal,
    db: DbSession,
    *,
    division: str = "",
    year: int | None = None,
    page_number: int = 1,
    result: population.PopulationResult | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Response:
    rows = population.listing(
        session=db,
        scope=principal.scope,
        prefix=division,
        year=year,
        limit=POPULATION_PAGE + 1,
        offset=(page_number - 1) * POPULATION_PAGE,
    )
    names = divisions.names(session=db, codes=sorted({row.division_code for row in rows}))
    return page(
        request,
        "exit/population.html",
        principal=principal,
        title="农村人口",
        breadcrumbs=[TRAIL[0], ("农村人口", None)],
        rows=rows[:POPULATION_PAGE],
        names=names,
        more=len(rows) > POPULATION_PAGE,
        division=division,
        year=year,
        page_number=page_number,
        result=result,
        errors=errors or {},
        status_code=status,
    )
