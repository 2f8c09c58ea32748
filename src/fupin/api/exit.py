"""/api/v1 exit readiness (退出评估) of a village or county, and the rural populations behind it."""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from fupin.accounts.principal import Principal
from fupin.api import uploads
from fupin.api.deps import ActorDep, CurrentUser, DbSession, ScopeDep, SettingsDep
from fupin.api.errors import ErrorBody
from fupin.assessment import population, readiness
from fupin.assessment.exit_schemas import PopulationImportOut, PopulationOut, ReadinessOut
from fupin.assessment.readiness_export import write_report
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, NotFoundError, Problem

router = APIRouter(tags=["exit"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "区划代码不存在、不是村或县，或不在您的数据范围内"}
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int | None, Query(ge=2000, le=2100, description="评估年度；默认为最近一次评估的年度")]
Page = Annotated[int, Query(ge=1, le=100_000, description="阻碍退出的户：页码")]
PAGE_SIZE = 50
ALL_ROWS = 1_048_575  # the workbook lists every blocking household, up to Excel's row limit


def report_or_404(
    db: Session, scope: Scope, code: str, year: int | None, page: int = 1, size: int = PAGE_SIZE
) -> readiness.Readiness:
    found = readiness.report(session=db, scope=scope, code=code, year=year, page=page, page_size=size)
    if found is None:
        raise NotFoundError(
            Problem("division-not-found", f"区划代码 {code[:20]} 不存在、不是村或县，或不在您的数据范围内")
        )
    return found


def report_file(db: Session, scope: Scope, code: str, year: int | None) -> FileResponse:
    found = report_or_404(db, scope, code, year, size=ALL_ROWS)
    return download(lambda path: write_report(found, path), f"退出评估_{found.unit.name}_{found.year or ''}.xlsx")


def download(write: Callable[[Path], Path], filename: str) -> FileResponse:
    """A workbook written to a folder of its own, sent, then removed."""
    folder = Path(tempfile.mkdtemp(prefix="fupin-download-"))
    path = write(folder / "download.xlsx")
    return FileResponse(path, media_type=XLSX, filename=filename, background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


@router.get("/exit/{code}", summary="村或县的退出评估：发生率、三率一度、阻碍退出的户（分页）", responses=NOT_FOUND)
def exit_report(
    code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None, page: Page = 1
) -> ReadinessOut:
    return ReadinessOut.of(report_or_404(db, scope, code, year, page))


@router.get(
    "/exit/{code}/report.xlsx",
    summary="退出评估报告（XLSX：汇总表和阻碍退出的户）",
    response_class=FileResponse,
    responses={200: {"content": {XLSX: {}}, "description": "退出评估报告（XLSX）"}, **NOT_FOUND},
)
def exit_workbook(code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None) -> FileResponse:
    return report_file(db, scope, code, year)


@router.get("/population", summary="各村农村人口（贫困发生率的分母）")
def list_population(
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    division: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$", description="区划代码前缀")] = "",
    year: Year = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[PopulationOut]:
    rows = population.listing(session=db, scope=scope, prefix=division, year=year, limit=limit, offset=offset)
    return [PopulationOut.of(row) for row in rows]


def require_capture(principal: Principal) -> None:
    if not principal.role.can_capture:
        raise ForbiddenError(Problem("capture-forbidden", f"无权修改：「{principal.role.label}」只能查看数据"))


@router.post("/population", summary="上传各村农村人口（CSV/XLSX；录入范围外和有误的行被拒绝并逐行说明）")
def upload_population(
    request: Request,
    principal: CurrentUser,
    actor: ActorDep,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[
        UploadFile | None, File(description="CSV 或 XLSX：村代码或省市县乡村、年度、农村人口、来源")
    ] = None,
) -> PopulationImportOut:
    require_capture(principal)
    uploads.refuse_oversized(request, settings)
    stored = uploads.save(file, settings)
    result = population.import_population(session=db, path=stored.path, actor=actor, scope=principal.scope)
    db.commit()
    return PopulationImportOut.of(result)
