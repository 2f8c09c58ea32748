"""农户 pages: the list (filters, sorting, paging, export of the filtered set) and one household's page."""

import os
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from fupin import audit
from fupin.accounts.principal import Principal
from fupin.api.assessment import household_assessment
from fupin.api.deps import DbSession, Now, RowId, SettingsDep, WritingDb
from fupin.api.registry import ListQuery
from fupin.assessment import runs
from fupin.divisions import service as divisions
from fupin.divisions.scope import Scope
from fupin.divisions.service import ChainUnit
from fupin.errors import FupinError
from fupin.registry import codelists, editing, exporter, history, service
from fupin.registry.filters import Flag, PageRequest, SortKey
from fupin.registry.privacy import mask_id
from fupin.web.deps import ActorDep, CurrentUser, ScopeDep
from fupin.web.form_fields import Form
from fupin.web.household_view import INCOME_HEADINGS, MEMBER_HEADINGS, history_rows, household_view
from fupin.web.render import by_field, page

router = APIRouter()
HOME = ("首页", "/")
LIST = ("农户", "/households")


def trail(db: DbSession, scope: Scope, code: str, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    """首页 › 农户 › the division path inside the user's scope (each a filtered list) › the page itself."""
    return trail_of(scope, divisions.parent_chain(session=db, code=code), *tail)


def trail_of(scope: Scope, chain: list[ChainUnit], *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    """`trail` along a chain already read."""
    steps: list[tuple[str, str | None]] = [HOME, LIST]
    inside = [unit for unit in chain if scope.covers(unit.code)]
    steps += [(unit.name, "/households?" + urlencode({"division": unit.code})) for unit in inside]
    return steps + list(tail)


@router.get("/households", summary="农户列表")
def households(
    request: Request,
    query: Annotated[ListQuery, Query()],
    principal: CurrentUser,
    scope: ScopeDep,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    deleted: str = "",
) -> Response:
    found = service.list_(session=db, scope=scope, filters=query.filters(), page=_page(query), today=now.date())
    params = query.model_dump(exclude_defaults=True, exclude={"offset"})
    return page(
        request,
        "registry/list.html",
        principal=principal,
        title="农户",
        breadcrumbs=[HOME, ("农户", None)],
        found=found,
        heads={key: (head.name, mask_id(head.id_number)) for key, head in found.heads.items()},
        query=query,
        flags=list(Flag),
        sort_keys=list(SortKey),
        lists=codelists.load(settings.codelists_file),
        link=lambda **changes: "/households?" + urlencode({**params, **changes}, doseq=True),
        export_link="/households/export?" + urlencode(params, doseq=True),
        deleted=deleted,
    )


def _page(query: ListQuery) -> PageRequest:
    return PageRequest(query.sort, query.desc, query.limit, query.offset)


@router.get("/households/export", summary="导出筛选后的农户（国家系统人口信息格式 XLSX）")
def export(
    query: Annotated[ListQuery, Query()], principal: CurrentUser, scope: ScopeDep, actor: ActorDep, db: WritingDb,
    now: Now,
) -> Response:  # fmt: skip
    principal.require_reveal()  # the national layout carries whole ID numbers, so only roles that may see them
    only = service.matching_ids(
        scope=scope, filters=query.filters(), today=now.date(), dialect=db.get_bind().dialect.name
    )
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    rows = exporter.export(session=db, scope=scope, layout_name="national_member", path=path, only=only)
    filters = query.model_dump(mode="json", exclude_defaults=True)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="导出", source=path.name)
    changeset.summary = {"rows": rows, "filters": filters, "layout": "national_member"}
    db.commit()
    filename = f"农户名单_{now:%Y%m%d_%H%M}.xlsx"
    return FileResponse(path, filename=filename, background=BackgroundTask(path.unlink, missing_ok=True))


# What a household's page reads about the household besides its belongings (in the same statement).
_PAGE_PARTS = (history.HISTORY_PART, runs.VERDICTS_PART)


@router.get("/households/{household_id}", summary="农户详情")
def household_page(
    request: Request, household_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession, saved: str = ""
) -> Response:
    return _detail_page(request, principal, scope, db, household_id, revealed=False, saved=saved)


@router.post("/households/{household_id}/reveal", summary="查看完整证件号码、电话和银行账号")
def reveal(
    request: Request, household_id: RowId, form: Form, principal: CurrentUser, scope: ScopeDep, actor: ActorDep,
    db: DbSession,
) -> Response:  # fmt: skip
    household = service.get_or_raise(session=db, scope=scope, household_id=household_id)
    principal.require_reveal()
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="查看完整信息")
        editing.reveal(session=db, changeset=changeset, household=household, reason=form.get("reason", ""))
    except FupinError as error:
        db.rollback()
        errors = by_field(error.problems)
        return _detail_page(request, principal, scope, db, household_id, revealed=False, errors=errors, status_code=422)
    db.commit()
    return _detail_page(request, principal, scope, db, household_id, revealed=True)


def _detail_page(
    request: Request,
    principal: Principal,
    scope: Scope,
    db: DbSession,
    household_id: int,
    *,
    revealed: bool,
    saved: str = "",
    errors: dict[str, list[str]] | None = None,
    status_code: int = 200,
) -> Response:
    read = service.read_household(session=db, scope=scope, household_id=household_id, extra=_PAGE_PARTS)
    household, held = read.household, read.belongings  # shown, and explained against the standard
    history_read, verdicts_read = read.more
    lists = codelists.load(request.app.state.settings.codelists_file)
    return page(
        request,
        "registry/detail.html",
        principal=principal,
        title=f"农户 {household.household_number}",
        breadcrumbs=trail_of(scope, read.chain, (household.household_number, None)),
        household=household,
        view=household_view(household, held, reveal=revealed),
        member_headings=MEMBER_HEADINGS,
        income_headings=INCOME_HEADINGS,
        entries=history_rows(history.entries_of(history_read, household), revealed=revealed),
        assessment=household_assessment(db, household, lists, held=held, read=runs.verdicts_of(verdicts_read)),
        can_edit=scope.can_capture(household.division_code),
        may_reveal=principal.role.may_reveal,
        revealed=revealed,
        saved=saved,
        errors=errors or {},
        status_code=status_code,
    )
