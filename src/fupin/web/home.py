"""首页: the dashboard of the user's scope (figures, units below, trend), and of any unit inside it.

The figures are HTML tables, so the page is complete without JavaScript; with it, ECharts draws the bar chart,
the trend and the treemap from the same figures as JSON (`/dashboard/{code}/data`, the page session's own data).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from fupin.accounts import service
from fupin.analytics import dashboard
from fupin.analytics.dashboard import Dashboard
from fupin.analytics.measures import of_group
from fupin.analytics.schemas import StatsOut
from fupin.api.deps import DbSession
from fupin.assessment import figures
from fupin.assessment.figure_schemas import UnitVerdictsOut
from fupin.errors import NotFoundError, Problem
from fupin.web.deps import CurrentUser, ScopeDep
from fupin.web.render import page

router = APIRouter()
Year = Annotated[int | None, Query(ge=2000, le=2100, description="评估年度；不填为最近有结果的年度")]


def _board(db: DbSession, scope: ScopeDep, code: str | None) -> Dashboard:
    code = code or dashboard.scope_root(scope)
    board = dashboard.build(session=db, scope=scope, code=code) if code else None
    if board is None:
        raise NotFoundError(Problem("division-not-found", f"区划代码 {(code or '')[:20]} 不存在或不在您的数据范围内"))
    return board


def _page(
    request: Request, principal: CurrentUser, db: DbSession, scope: ScopeDep, board: Dashboard, year: int | None
) -> Response:
    trail: list[tuple[str, str | None]] = [("首页", "/")]
    trail += [(u.name, f"/dashboard/{u.code}") for u in board.chain] + [(board.unit.name, None)]
    return page(
        request,
        "dashboard.html",
        principal=principal,
        title=f"首页 · {board.unit.name}",
        breadcrumbs=trail,
        board=board,
        scope_name=service.scope_name(session=db, scope_prefix=principal.scope_prefix),
        groups={name: of_group(name) for name in ("poverty_status", "main_cause", "household_type", "guarantee")},
        verdicts=figures.for_unit(session=db, scope=scope, code=board.unit.code, level=board.unit.level, year=year),
        verdict_units=[child.unit for child in board.children],
    )


@router.get("/", summary="首页：本人数据范围的汇总")
def home(request: Request, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None) -> Response:
    return _page(request, principal, db, scope, _board(db, scope, None), year)


@router.get("/dashboard/{code}", summary="一个单位的汇总")
def unit_dashboard(
    request: Request, code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None
) -> Response:
    return _page(request, principal, db, scope, _board(db, scope, code), year)


@router.get("/dashboard/{code}/data", summary="一个单位的汇总（图表用 JSON）")
def unit_data(code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> StatsOut:
    return StatsOut.of(_board(db, scope, code))


@router.get("/dashboard/{code}/verdicts", summary="一个单位的评估汇总（图表用 JSON）")
def unit_verdicts(
    code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None
) -> UnitVerdictsOut:
    board = _board(db, scope, code)
    verdicts = figures.for_unit(session=db, scope=scope, code=board.unit.code, level=board.unit.level, year=year)
    return UnitVerdictsOut.of(board.unit, [child.unit for child in board.children], verdicts)
