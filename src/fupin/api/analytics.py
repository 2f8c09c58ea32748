"""/api/v1 divisions and dashboard: a unit with its parent chain and children with counts, its figures and series."""

from typing import Any

from fastapi import APIRouter

from fupin.analytics import dashboard
from fupin.analytics.schemas import ChildOut, DivisionOut, StatsOut, UnitOut
from fupin.api.deps import CurrentUser, DbSession, ScopeDep
from fupin.api.errors import ErrorBody
from fupin.errors import NotFoundError, Problem

router = APIRouter(tags=["divisions"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "区划代码不存在或不在范围内"}}


def not_found(code: str) -> NotFoundError:
    return NotFoundError(Problem("division-not-found", f"区划代码 {code[:20]} 不存在或不在您的数据范围内"))


@router.get("/divisions/{code}", summary="一个单位：上级链、下级单位及其户数、人数和状态户数", responses=NOT_FOUND)
def division(code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> DivisionOut:
    located = dashboard.locate(session=db, scope=scope, code=code)
    if located is None:
        raise not_found(code)
    unit, parents = located
    children = dashboard.children(session=db, scope=scope, unit=unit)
    return DivisionOut(
        unit=UnitOut.of(unit), parents=[UnitOut.of(u) for u in parents], children=[ChildOut.of(c) for c in children]
    )


@router.get("/divisions/{code}/stats", summary="一个单位的汇总数、下级单位汇总和按月趋势", responses=NOT_FOUND)
def stats(code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> StatsOut:
    board = dashboard.build(session=db, scope=scope, code=code)
    if board is None:
        raise not_found(code)
    return StatsOut.of(board)


@router.get("/dashboard", summary="本人数据范围的首页数据（汇总数、下级单位、按月趋势）", responses=NOT_FOUND)
def own_dashboard(principal: CurrentUser, scope: ScopeDep, db: DbSession) -> StatsOut:
    root = dashboard.scope_root(scope)
    board = dashboard.build(session=db, scope=scope, code=root) if root else None
    if board is None:
        raise not_found(root or "")
    return StatsOut.of(board)
