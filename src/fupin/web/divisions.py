"""行政区划: a unit inside the user's scope, its path, and the units under it with household and member counts.

The counts come from the per-village figures (`analytics`), summed by code prefix, and the verdict counts, failures
by indicator and MPI from the assessment roll-ups (`assessment.figures`); outside the scope is 404.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from fupin.analytics import dashboard
from fupin.analytics.models import COUNTRY_CODE
from fupin.analytics.rollup import totals
from fupin.api.deps import DbSession
from fupin.assessment import figures
from fupin.divisions.codes import LEVEL_NAMES, NATIVE_LENGTH
from fupin.errors import NotFoundError, Problem
from fupin.web.deps import CurrentUser, ScopeDep
from fupin.web.render import page

router = APIRouter()
Year = Annotated[int | None, Query(ge=2000, le=2100, description="评估年度；不填为最近有结果的年度")]


@router.get("/divisions", summary="行政区划：本人数据范围")
def scope_root(request: Request, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None) -> Response:
    return unit(request, dashboard.scope_root(scope) or "", principal, scope, db, year)


@router.get("/divisions/{code}", summary="行政区划：一个单位及其下级")
def unit(
    request: Request, code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession, year: Year = None
) -> Response:
    located = dashboard.locate(session=db, scope=scope, code=code)
    if located is None:
        raise NotFoundError(Problem("division-not-found", f"区划代码 {code[:20]} 不存在或不在您的数据范围内"))
    found, chain = located
    trail: list[tuple[str, str | None]] = [("首页", "/")]
    trail += [(u.name, "/divisions" if u.code == COUNTRY_CODE else f"/divisions/{u.code}") for u in chain]
    trail.append((found.name, None))
    unit_prefix = "" if found.level == 0 else code[: NATIVE_LENGTH[found.level]]
    units = dashboard.children(session=db, scope=scope, unit=found)
    return page(
        request,
        "divisions/unit.html",
        principal=principal,
        title=found.name,
        breadcrumbs=trail,
        unit=found,
        totals=totals(session=db, scope=scope, prefix=unit_prefix),
        units=units,
        levels={0: "全国", **LEVEL_NAMES},
        verdicts=figures.for_unit(session=db, scope=scope, code=found.code, level=found.level, year=year),
        verdict_units=[child.unit for child in units],
    )
