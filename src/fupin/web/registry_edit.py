"""农户 edit pages: household and member forms, add and remove a member, delete a household (all soft, audited).

Every form posts to the same checks the importer runs; when anything is wrong nothing is saved and the form comes
back with the typed values and a Chinese message beside each field.
"""

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from fupin import audit
from fupin.accounts.principal import Principal
from fupin.api.deps import DbSession, Now, RowId, SettingsDep
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Problem
from fupin.registry import codelists, editing, service
from fupin.registry.fields import FieldSpec
from fupin.registry.form_check import EDITABLE_HOUSEHOLD_FIELDS, EDITABLE_MEMBER_FIELDS, household_text, member_text
from fupin.registry.models import Household
from fupin.web.deps import ActorDep, CurrentUser, ScopeDep
from fupin.web.form_fields import Form
from fupin.web.registry import trail
from fupin.web.render import by_field, page

router = APIRouter()


def _errors(problems: list[Problem], specs: tuple[FieldSpec, ...], others: list[str]) -> dict[str, list[str]]:
    """Messages by form field; those about the household's other members go to the top, naming who and where."""
    grouped = by_field(problems)
    names = {spec.name for spec in specs}
    labels = {spec.name: spec.label for spec in EDITABLE_MEMBER_FIELDS}
    for key in [key for key in grouped if key and key not in names]:
        index, _, field = key.removeprefix("members[").partition("].")
        who = others[int(index)] if index.isdigit() and int(index) < len(others) else "其他成员"
        grouped.setdefault("", []).extend(f"{who}「{labels.get(field, field)}」：{text}" for text in grouped.pop(key))
    return grouped


def _form_page(
    request: Request, principal: Principal, scope: Scope, db: DbSession, settings: Settings, household: Household,
    *, title: str, action: str, specs: tuple[FieldSpec, ...], values: dict[str, Any],
    errors: dict[str, list[str]] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    crumbs = trail(db, scope, household.division_code, (household.household_number, f"/households/{household.id}"))
    return page(
        request,
        "registry/form.html",
        principal=principal,
        title=title,
        breadcrumbs=[*crumbs, (title, None)],
        household=household,
        action=action,
        specs=specs,
        values=values,
        lists=codelists.load(settings.codelists_file),
        errors=errors or {},
        status_code=status_code,
    )


def _names(db: DbSession, household: Household) -> list[str]:
    return [f"{m.name}（{m.relation}）" for m in service.members(session=db, household=household)]


@router.get("/households/{household_id}/edit", summary="修改户信息")
def edit_household_form(
    request: Request, household_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession, settings: SettingsDep
) -> Response:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    return _form_page(
        request, principal, scope, db, settings, household, title="修改户信息",
        action=f"/households/{household.id}/edit", specs=EDITABLE_HOUSEHOLD_FIELDS, values=household_text(household),
    )  # fmt: skip


@router.post("/households/{household_id}/edit", summary="保存户信息")
def edit_household(
    request: Request, household_id: RowId, form: Form, principal: CurrentUser, scope: ScopeDep, actor: ActorDep,
    db: DbSession, settings: SettingsDep, now: Now,
) -> Response:  # fmt: skip
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    values = {spec.name: form[spec.name] for spec in EDITABLE_HOUSEHOLD_FIELDS if spec.name in form}
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="修改户信息")
        editing.update_household(
            session=db, scope=scope, changeset=changeset, household=household, values=values, settings=settings,
            today=now.date(),
        )  # fmt: skip
    except FupinError as error:
        db.rollback()
        errors = _errors(error.problems, EDITABLE_HOUSEHOLD_FIELDS, _names(db, household))
        return _form_page(
            request, principal, scope, db, settings, household, title="修改户信息", action=request.url.path,
            specs=EDITABLE_HOUSEHOLD_FIELDS, values={**household_text(household), **values}, errors=errors,
            status_code=422,
        )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/households/{household.id}?saved=1", status_code=303)


@router.get("/households/{household_id}/members/new", summary="新增成员")
def new_member_form(
    request: Request, household_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession, settings: SettingsDep
) -> Response:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    return _form_page(
        request, principal, scope, db, settings, household, title="新增成员",
        action=f"/households/{household.id}/members/new", specs=EDITABLE_MEMBER_FIELDS, values={},
    )  # fmt: skip


@router.post("/households/{household_id}/members/new", summary="保存新成员")
def add_member(
    request: Request, household_id: RowId, form: Form, principal: CurrentUser, scope: ScopeDep, actor: ActorDep,
    db: DbSession, settings: SettingsDep, now: Now,
) -> Response:  # fmt: skip
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    values = {spec.name: form[spec.name] for spec in EDITABLE_MEMBER_FIELDS if spec.name in form}
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="新增成员")
        editing.add_member(
            session=db, changeset=changeset, household=household, values=values, settings=settings, today=now.date()
        )
    except FupinError as error:
        db.rollback()
        errors = _errors(error.problems, EDITABLE_MEMBER_FIELDS, _names(db, household))
        return _form_page(
            request, principal, scope, db, settings, household, title="新增成员", action=request.url.path,
            specs=EDITABLE_MEMBER_FIELDS, values=values, errors=errors, status_code=422,
        )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/households/{household.id}?saved=1", status_code=303)


@router.get("/members/{member_id}/edit", summary="修改成员信息")
def edit_member_form(
    request: Request, member_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession, settings: SettingsDep
) -> Response:
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    return _form_page(
        request, principal, scope, db, settings, household, title=f"修改成员信息：{member.name}",
        action=f"/members/{member.id}/edit", specs=EDITABLE_MEMBER_FIELDS, values=member_text(member),
    )  # fmt: skip


@router.post("/members/{member_id}/edit", summary="保存成员信息")
def edit_member(
    request: Request, member_id: RowId, form: Form, principal: CurrentUser, scope: ScopeDep, actor: ActorDep,
    db: DbSession, settings: SettingsDep, now: Now,
) -> Response:  # fmt: skip
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    values = {spec.name: form[spec.name] for spec in EDITABLE_MEMBER_FIELDS if spec.name in form}
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="修改成员信息")
        editing.update_member(
            session=db, changeset=changeset, household=household, member=member, values=values, settings=settings,
            today=now.date(),
        )  # fmt: skip
    except FupinError as error:
        db.rollback()
        errors = _errors(error.problems, EDITABLE_MEMBER_FIELDS, _names(db, household))
        return _form_page(
            request, principal, scope, db, settings, household, title=f"修改成员信息：{member.name}",
            action=request.url.path, specs=EDITABLE_MEMBER_FIELDS, values={**member_text(member), **values},
            errors=errors, status_code=422,
        )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/households/{household.id}?saved=1", status_code=303)


@router.get("/members/{member_id}/remove", summary="移除成员：确认")
def remove_member_form(
    request: Request, member_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession
) -> Response:
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    return _confirm(request, principal, scope, db, household, f"移除成员 {member.name}（{member.relation}）")


@router.post("/members/{member_id}/remove", summary="移除成员")
def remove_member(
    request: Request, member_id: RowId, principal: CurrentUser, scope: ScopeDep, actor: ActorDep, db: DbSession,
    settings: SettingsDep, now: Now,
) -> Response:  # fmt: skip
    member = service.get_member_or_raise(session=db, scope=scope, member_id=member_id)
    household = service.get_for_capture(session=db, scope=scope, household_id=member.household_id)
    try:
        changeset = audit.open_changeset(session=db, actor=actor, purpose="移除成员")
        editing.remove_member(
            session=db, changeset=changeset, household=household, member=member, settings=settings, today=now.date(),
            now=now,
        )  # fmt: skip
    except FupinError as error:
        db.rollback()
        errors = _errors(error.problems, (), _names(db, household))
        title = f"移除成员 {member.name}（{member.relation}）"
        return _confirm(request, principal, scope, db, household, title, errors=errors, status_code=422)
    db.commit()
    return RedirectResponse(f"/households/{household.id}?saved=1", status_code=303)


@router.get("/households/{household_id}/delete", summary="删除农户：确认")
def delete_household_form(
    request: Request, household_id: RowId, principal: CurrentUser, scope: ScopeDep, db: DbSession
) -> Response:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    return _confirm(request, principal, scope, db, household, f"删除农户 {household.household_number}")


@router.post("/households/{household_id}/delete", summary="删除农户（软删除）")
def delete_household(household_id: RowId, scope: ScopeDep, actor: ActorDep, db: DbSession, now: Now) -> Response:
    household = service.get_for_capture(session=db, scope=scope, household_id=household_id)
    changeset = audit.open_changeset(session=db, actor=actor, purpose="删除农户")
    editing.delete_household(session=db, changeset=changeset, household=household, now=now)
    db.commit()
    return RedirectResponse(f"/households?deleted={household.household_number}", status_code=303)


def _confirm(
    request: Request, principal: Principal, scope: Scope, db: DbSession, household: Household, title: str,
    *, errors: dict[str, list[str]] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    crumbs = trail(db, scope, household.division_code, (household.household_number, f"/households/{household.id}"))
    return page(
        request,
        "registry/confirm.html",
        principal=principal,
        title=title,
        breadcrumbs=[*crumbs, (title, None)],
        household=household,
        action=request.url.path,
        errors=errors or {},
        status_code=status_code,
    )
