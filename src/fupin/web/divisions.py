"""行政区划: browse the units inside the user's scope, down from the scope's own unit; outside the scope is 404."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from fupin.api.deps import DbSession
from fupin.divisions import service
from fupin.divisions.codes import LEVEL_NAMES, is_code, pad
from fupin.errors import NotFoundError, Problem
from fupin.web.deps import CurrentUser, ScopeDep
from fupin.web.render import page

router = APIRouter()


@router.get("/divisions", summary="行政区划：本人数据范围")
def scope_root(request: Request, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> Response:
    if not principal.scope_prefix:
        units = service.children(session=db, code=None)
        return page(
            request,
            "divisions/unit.html",
            principal=principal,
            title="行政区划",
            breadcrumbs=[("首页", "/"), ("全国", None)],
            unit=None,
            units=units,
            levels=LEVEL_NAMES,
        )
    return unit(request, pad(principal.scope_prefix), principal, scope, db)


@router.get("/divisions/{code}", summary="行政区划：一个单位及其下级")
def unit(request: Request, code: str, principal: CurrentUser, scope: ScopeDep, db: DbSession) -> Response:
    found = service.get(session=db, code=code) if is_code(code) and scope.covers(code) else None
    if found is None:
        raise NotFoundError(Problem("division-not-found", f"区划代码 {code[:20]} 不存在或不在您的数据范围内"))
    chain = [item for item in service.parent_chain(session=db, code=found.code) if scope.covers(item.code)]
    trail: list[tuple[str, str | None]] = [("首页", "/")]
    trail += [(item.name, f"/divisions/{item.code}") for item in chain[:-1]] + [(found.name, None)]
    units = service.children(session=db, code=found.code)
    return page(
        request,
        "divisions/unit.html",
        principal=principal,
        title=found.name,
        breadcrumbs=trail,
        unit=found,
        units=units,
        levels=LEVEL_NAMES,
    )
