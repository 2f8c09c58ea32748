"""/api/v1/assessment/figures: a unit's verdict roll-ups (counts, failures by indicator, MPI) and its children's."""

from typing import Annotated

from fastapi import APIRouter, Query

from fupin.analytics import dashboard
from fupin.api.analytics import NOT_FOUND, not_found
from fupin.api.deps import CurrentUser, DbSession, ScopeDep
from fupin.assessment import figures
from fupin.assessment.figure_schemas import UnitVerdictsOut

router = APIRouter(tags=["assessment"])
Year = Annotated[int | None, Query(ge=2000, le=2100, description="评估年度；不填为该单位最近有结果的年度")]


@router.get(
    "/assessment/figures/{code}",
    summary="一个单位的评估汇总：达标与未达标户数、各指标未达标户数、多维贫困指数，及其直接下级单位的汇总",
    responses=NOT_FOUND,
)
def unit_figures(
    code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None
) -> UnitVerdictsOut:
    located = dashboard.locate(session=db, scope=scope, code=code)
    if located is None:
        raise not_found(code)
    unit, _ = located
    verdicts = figures.for_unit(session=db, scope=scope, code=unit.code, level=unit.level, year=year)
    children = [child.unit for child in dashboard.children(session=db, scope=scope, unit=unit)]
    return UnitVerdictsOut.of(unit, children, verdicts)
