"""首页: who is signed in, in which role, over which division; the dashboard replaces the body later."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from fupin.accounts import service
from fupin.api.deps import DbSession
from fupin.web.deps import CurrentUser
from fupin.web.render import page

router = APIRouter()


@router.get("/", summary="首页")
def home(request: Request, principal: CurrentUser, db: DbSession) -> Response:
    scope_name = service.scope_name(session=db, scope_prefix=principal.scope_prefix)
    return page(
        request, "home.html", principal=principal, title="首页", breadcrumbs=[("首页", None)], scope_name=scope_name
    )
