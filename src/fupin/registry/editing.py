"""Changes to one household through pages or the API: every value checked by `form_check` (the importer's
pipeline), every change audited in the caller's changeset with its before and after, nothing deleted for real.

Services flush, the request commits. Callers load the household with `service.get_for_capture`, which is what
keeps edits inside the capture scope.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from fupin import audit
from fupin.analytics import service as analytics
from fupin.audit import Changeset
from fupin.config import Settings
from fupin.db import utcnow
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, Problem
from fupin.registry import service
from fupin.registry.form_check import (
    EDITABLE_HOUSEHOLD_FIELDS,
    EDITABLE_MEMBER_FIELDS,
    Draft,
    Values,
    check,
    household_text,
    member_text,
)
from fupin.registry.models import Household, Member

MEMBER_FIELD_NAMES = tuple(spec.name for spec in EDITABLE_MEMBER_FIELDS)
ALL_HOUSEHOLD_FIELDS = tuple(spec.name for spec in EDITABLE_HOUSEHOLD_FIELDS)  # division_code first
VILLAGE_ONLY = ("division_code",)


def _unknown(values: Values, known: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise FupinError(*(Problem("unknown-field", "没有这个字段", Location(field=name)) for name in unknown))


def update_household(
    *,
    session: Session,
    scope: Scope,
    changeset: Changeset,
    household: Household,
    values: Values,
    settings: Settings,
    today: date,
) -> dict[str, Any]:
    """Change household fields (those given); return the changed values' before."""
    _unknown(values, ALL_HOUSEHOLD_FIELDS)
    people = service.members(session=session, household=household)
    merged = {**household_text(household), **values}
    draft = Draft(household, merged, [(m.id, member_text(m)) for m in people], None, ALL_HOUSEHOLD_FIELDS)
    if not people:  # nothing to stage without a member: a household keeps at least one, see remove_member
        raise FupinError(Problem("household-empty", "该户没有在册成员，无法校验户信息", expected="先新增户主"))
    checked = check(session=session, draft=draft, settings=settings, today=today)
    _keep_in_capture_scope(scope, household, checked.household.get("division_code"))
    village = household.division_code
    before = _apply(session, changeset, household, checked.household, entity="household", household_id=household.id)
    _refresh_figures(session, village, household.division_code)
    return before


def _keep_in_capture_scope(scope: Scope, household: Household, code: str | None) -> None:
    if code and code != household.division_code and not scope.can_capture(code):
        raise FupinError(
            Problem(
                "division-outside-scope",
                "不能把农户迁到您的录入范围之外的村",
                Location(field="division_code"),
                code,
                "您录入范围内的村级区划代码",
            )
        )


def update_member(
    *,
    session: Session,
    changeset: Changeset,
    household: Household,
    member: Member,
    values: Values,
    settings: Settings,
    today: date,
) -> dict[str, Any]:
    """Change a member's fields (those given); return the changed values' before."""
    people = service.members(session=session, household=household)
    rows = [(m.id, {**member_text(m), **values} if m.id == member.id else member_text(m)) for m in people]
    _unknown(values, MEMBER_FIELD_NAMES)
    edited = next(index for index, m in enumerate(people) if m.id == member.id)
    draft = Draft(household, household_text(household), rows, edited, VILLAGE_ONLY)
    checked = check(session=session, draft=draft, settings=settings, today=today)
    before = _apply(session, changeset, member, checked.rows[edited], entity="member", household_id=household.id)
    _refresh_figures(session, household.division_code)
    return before


def add_member(
    *,
    session: Session,
    changeset: Changeset,
    household: Household,
    values: Values,
    settings: Settings,
    today: date,
) -> Member:
    """A new member of the household, checked against the others (one head, spouse, one person one household)."""
    people = service.members(session=session, household=household)
    blank: dict[str, str | None] = dict.fromkeys(MEMBER_FIELD_NAMES)
    _unknown(values, MEMBER_FIELD_NAMES)
    rows = [(m.id, member_text(m)) for m in people] + [(None, {**blank, **values})]
    draft = Draft(household, household_text(household), rows, len(people), VILLAGE_ONLY)
    checked = check(session=session, draft=draft, settings=settings, today=today)
    member = Member(
        household_id=household.id,
        created_changeset_id=changeset.id,
        updated_changeset_id=changeset.id,
        **checked.rows[-1],
    )
    session.add(member)
    session.flush()  # the row carries created_changeset_id: history shows its creation without a copy in the log
    _refresh_figures(session, household.division_code)
    return member


def remove_member(
    *,
    session: Session,
    changeset: Changeset,
    household: Household,
    member: Member,
    settings: Settings,
    today: date,
    now: datetime,
) -> None:
    """Soft-delete a member, if the household still satisfies the rules without them (e.g. keeps its head)."""
    people = [m for m in service.members(session=session, household=household) if m.id != member.id]
    if not people:
        raise FupinError(
            Problem("last-member", "不能移除该户最后一名成员", Location(field="member"), expected="删除整户")
        )
    draft = Draft(household, household_text(household), [(m.id, member_text(m)) for m in people], None, VILLAGE_ONLY)
    check(session=session, draft=draft, settings=settings, today=today)
    _soft_delete(session, changeset, member, entity="member", household_id=household.id, now=now)
    _refresh_figures(session, household.division_code)


def delete_household(*, session: Session, changeset: Changeset, household: Household, now: datetime) -> None:
    """Soft-delete a household and its members: hidden everywhere, kept in the database with their history.

    Its members are released too, so their ID numbers may be registered in another household later.
    """
    for member in service.members(session=session, household=household):
        _soft_delete(session, changeset, member, entity="member", household_id=household.id, now=now)
    _soft_delete(session, changeset, household, entity="household", household_id=household.id, now=now)
    _refresh_figures(session, household.division_code)


def _refresh_figures(session: Session, *villages: str) -> None:
    """Keep the per-village aggregates (dashboard, division tree) true after every change."""
    session.flush()
    analytics.refresh(session=session, village_codes=sorted(set(villages)), now=utcnow())


def reveal(
    *, session: Session, changeset: Changeset, household: Household, reason: str, member_id: int | None = None
) -> None:
    """Record that someone saw the whole ID numbers, phones and bank account of a household, and why."""
    cleaned = reason.strip()
    if len(cleaned) < 2 or len(cleaned) > 200:
        raise FupinError(
            Problem(
                "reveal-reason-required",
                "查看完整证件号码、电话和银行账号须填写事由",
                Location(field="reason"),
                cleaned or None,
                "2～200字的事由，如「核对低保申请」",
            )
        )
    shown: dict[str, object] = {"reason": cleaned, "fields": ["id_number", "phone", "bank_account"]}
    if member_id is not None:
        shown["member_id"] = member_id
    audit.record(
        session=session,
        changeset=changeset,
        entity="member" if member_id is not None else "household",
        entity_id=member_id if member_id is not None else household.id,
        action="reveal",
        before=None,
        after=shown,
        household_id=household.id,
    )
    session.flush()


def _apply(
    session: Session,
    changeset: Changeset,
    row: Household | Member,
    values: dict[str, Any],
    *,
    entity: str,
    household_id: int,
) -> dict[str, Any]:
    current = {name: getattr(row, name) for name in values}
    before, after = audit.diff(current, values)
    if not after:
        return {}
    for name, value in after.items():
        setattr(row, name, value)
    row.updated_changeset_id = changeset.id
    audit.record(
        session=session,
        changeset=changeset,
        entity=entity,
        entity_id=row.id,
        action="update",
        before=before,
        after=after,
        household_id=household_id,
    )
    session.flush()
    return before


def _soft_delete(
    session: Session, changeset: Changeset, row: Household | Member, *, entity: str, household_id: int, now: datetime
) -> None:
    row.deleted_at = now
    row.updated_changeset_id = changeset.id
    audit.record(
        session=session,
        changeset=changeset,
        entity=entity,
        entity_id=row.id,
        action="delete",
        before={"deleted_at": None},
        after={"deleted_at": now},
        household_id=household_id,
    )
    session.flush()
