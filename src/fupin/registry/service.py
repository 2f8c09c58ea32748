"""Reading the registry: the household list (filters, sort, page, total), one household and what belongs to it.

Every read starts from `households_in(scope)` or `members_in(scope)`, the one place the scope and the soft
delete apply, so no query here can forget either.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Subquery,
    and_,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from fupin.divisions.codes import is_code, prefix, prefix_range
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, NotFoundError, Problem
from fupin.registry import counting, idnumber
from fupin.registry.counting import Counted
from fupin.registry.filters import FULL_ID, ID_TAIL, TAIL_LENGTH, Flag, HouseholdFilter, PageRequest, SortKey
from fupin.registry.models import Assistance, Helper, Household, Income, Member

INDEXED_SORTS = (SortKey.household_number, SortKey.poverty_status, SortKey.main_cause)  # indexes ordered (key, id)
SCHOOL_AGE = (6, 16)  # 义务教育: from the year a child turns 6 until 16


def households_in(scope: Scope, *, by_code_index: bool = True) -> Select[Household]:
    """Live households inside the view scope: the start of every household read.

    `by_code_index=False` states the scope on `division_code || ''`, which no index serves, so the planner walks the
    sort column's index instead of sorting every household of a scope that holds most of the table (see `list_`).
    """
    live = select(Household).where(Household.deleted_at.is_(None))
    return scope.apply(live, Household.division_code if by_code_index else _unindexed_code())


def _unindexed_code() -> ColumnElement[str]:
    return Household.division_code.concat("")


def members_in(scope: Scope) -> Select[Member]:
    """Live members of live households inside the view scope."""
    statement = (
        select(Member)
        .join(Household, Household.id == Member.household_id)
        .where(Member.deleted_at.is_(None), Household.deleted_at.is_(None))
    )
    return scope.apply(statement, Household.division_code)


@dataclass(frozen=True, slots=True)
class Head:
    name: str
    id_number: str


# What a row of the household list shows: loading these columns, not whole households, keeps a page cheap.
LIST_COLUMNS = (
    Household.id,
    Household.household_number,
    Household.division_code,
    Household.poverty_status,
    Household.household_type,
    Household.main_cause,
)


@dataclass(frozen=True, slots=True)
class HouseholdPage:
    rows: list[Row[Any]]  # LIST_COLUMNS, village (name), size, head_name and head_id_number of each household
    heads: dict[int, Head]
    sizes: dict[int, int]
    total: int
    page: PageRequest
    counted: Counted = Counted.exact  # how `total` was found (exact from the aggregates, counted, or a lower bound)

    @property
    def total_exact(self) -> bool:
        return self.counted is not Counted.capped


def list_(*, session: Session, scope: Scope, filters: HouseholdFilter, page: PageRequest, today: date) -> HouseholdPage:
    """One page of households matching the filters, with their heads and sizes, and the total (see `counting`)."""
    page = page.clamped()
    conditions = conditions_for(filters, today=today, dialect=session.get_bind().dialect.name)
    matching = households_in(scope).where(*conditions).with_only_columns(Household.id)
    total = counting.total(session=session, scope=scope, filters=filters, matching=matching)
    column = getattr(Household, page.sort.value)
    order = [column.desc() if page.descending else column.asc(), Household.id]
    if (
        page.sort in INDEXED_SORTS
        and not page.descending
        and counting.walk_sort_index(session=session, total=total, rows_needed=page.offset + page.limit)
    ):
        code = _unindexed_code()
        start = households_in(scope, by_code_index=False)
        conditions = conditions_for(filters, today=today, dialect=session.get_bind().dialect.name, code=code)
    else:
        start = households_in(scope)
    on_page = (
        start.where(*conditions)
        .with_only_columns(*LIST_COLUMNS, column.label("sort_key"))
        .order_by(*order)
        .limit(page.limit)
        .offset(page.offset)
        .subquery("on_page")
    )
    rows = list(session.execute(_with_heads_and_sizes(on_page, descending=page.descending)))
    heads = {row.id: Head(row.head_name, row.head_id_number) for row in rows if row.head_name is not None}
    return HouseholdPage(rows, heads, {row.id: int(row.size) for row in rows}, total.value, page, total.counted)


def _with_heads_and_sizes(on_page: Subquery, *, descending: bool) -> Select[Any]:
    """The page's households with their village name, head and number of live members: one statement, in order."""
    is_head = Member.relation == "户主"
    listed = [on_page.c[column.key] for column in LIST_COLUMNS]
    members = and_(Member.household_id == on_page.c.id, Member.deleted_at.is_(None))
    village = and_(Division.code == on_page.c.division_code, Division.valid_to.is_(None))
    sort_key = on_page.c.sort_key.desc() if descending else on_page.c.sort_key.asc()
    return (
        select(
            *listed,
            Division.name.label("village"),
            func.count(Member.id).label("size"),
            func.max(case((is_head, Member.name))).label("head_name"),
            func.max(case((is_head, Member.id_number))).label("head_id_number"),
        )
        .select_from(on_page.outerjoin(Division, village).outerjoin(Member, members))
        .group_by(*listed, Division.name, on_page.c.sort_key)
        .order_by(sort_key, on_page.c.id)
    )


def matching_ids(*, scope: Scope, filters: HouseholdFilter, today: date, dialect: str) -> Select[int]:
    """The ids of every household in scope that matches the filters (for exports of the filtered set)."""
    return (
        households_in(scope)
        .where(*conditions_for(filters, today=today, dialect=dialect))
        .with_only_columns(Household.id)
    )


def conditions_for(
    filters: HouseholdFilter, *, today: date, dialect: str, code: ColumnElement[str] | None = None
) -> list[ColumnElement[bool]]:
    """The filters as conditions; `code` is the division code expression (unindexed for an index walk)."""
    column: ColumnElement[str] = Household.division_code.expression if code is None else code
    conditions: list[ColumnElement[bool]] = []
    if filters.division is not None:
        conditions.append(_under(filters.division, column))
    if filters.village is not None:
        conditions.append(column == filters.village if is_code(filters.village) else false())
    for name in ("poverty_status", "main_cause", "household_type", "household_attribute"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(Household, name) == value)
    if filters.text:
        conditions.append(_text_condition(filters.text.strip(), dialect))
    conditions += [FLAG_CONDITIONS[flag](today) for flag in filters.flags]
    return conditions


def _under(code: str, column: ColumnElement[str]) -> ColumnElement[bool]:
    """Households under a division: a native prefix, or a 12-digit code (its native prefix, by its zeros' level)."""
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
        return false()
    low, high = prefix_range(prefix(code) if len(code) == 12 else code)
    return and_(column >= low, column < high)


def id_tail(column: ColumnElement[str] | object) -> ColumnElement[str]:
    """The last four characters of an ID number, written exactly as the expression index is (both databases)."""
    return func.substr(column, func.length(column) - literal_column(str(TAIL_LENGTH - 1)))


def _text_condition(text: str, dialect: str) -> ColumnElement[bool]:
    """A member's whole ID number, the last 4+ characters of it, or the start of a name; or a 户编号."""
    live = Member.deleted_at.is_(None)
    if FULL_ID.match(text):
        person = and_(live, Member.id_number == idnumber.normalize(text))
    elif ID_TAIL.match(text):
        tail = text.upper()
        person = and_(live, id_tail(Member.id_number) == tail[-TAIL_LENGTH:], Member.id_number.endswith(tail))
    else:
        person = and_(live, _name_prefix(text, dialect))
    # One IN over a UNION (not an OR of two conditions), so both databases drive the query from the few matches.
    by_number = select(Household.id).where(Household.household_number == text, Household.deleted_at.is_(None))
    return Household.id.in_(select(Member.household_id).where(person).union(by_number))


def _name_prefix(text: str, dialect: str) -> ColumnElement[bool]:
    """Names by prefix through the name index: a code-point range on SQLite, LIKE on PostgreSQL (pattern index)."""
    if dialect == "postgresql":
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Member.name.like(escaped + "%")
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return and_(Member.name >= text, Member.name < upper)


def _member_where(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Member.household_id == Household.id, Member.deleted_at.is_(None), *conditions)


def _school_age(today: date) -> ColumnElement[bool]:
    youngest = date(today.year - SCHOOL_AGE[0], today.month, 1)
    oldest = date(today.year - SCHOOL_AGE[1], today.month, 1)
    return and_(Member.birth_date > oldest, Member.birth_date <= youngest, Member.school_status.is_(None))


FLAG_CONDITIONS: dict[Flag, Callable[[date], ColumnElement[bool]]] = {
    Flag.housing_unsafe: lambda _today: or_(
        Household.house_safety_grade.in_(("C", "D")), Household.dilapidated.is_(True)
    ),
    Flag.water_insecure: lambda _today: or_(Household.water_safe.is_(False), Household.water_difficult.is_(True)),
    Flag.school_dropout: lambda today: _member_where(or_(Member.dropout_reason.is_not(None), _school_age(today))),
    Flag.no_medical_insurance: lambda _today: _member_where(
        Member.ins_resident_medical.is_(False), Member.ins_employee_medical.is_not(True)
    ),
}


def get(*, session: Session, scope: Scope, household_id: int) -> Household | None:
    return session.scalars(households_in(scope).where(Household.id == household_id)).first()


def get_or_raise(*, session: Session, scope: Scope, household_id: int) -> Household:
    """The household, or 404 whether it does not exist or lies outside the scope (the two are not told apart)."""
    found = get(session=session, scope=scope, household_id=household_id)
    if found is None:
        raise NotFoundError(Problem("household-not-found", f"农户 {household_id} 不存在或不在您的数据范围内"))
    return found


def get_for_capture(*, session: Session, scope: Scope, household_id: int) -> Household:
    """The household if the user may change it: 404 outside the view scope, 403 if they may only look."""
    household = get_or_raise(session=session, scope=scope, household_id=household_id)
    if not scope.can_capture(household.division_code):
        raise ForbiddenError(
            Problem("capture-forbidden", "您的角色或数据范围只允许查看该户，不能修改；请联系有录入权限的人员")
        )
    return household


def get_member_or_raise(*, session: Session, scope: Scope, member_id: int) -> Member:
    found = session.scalars(members_in(scope).where(Member.id == member_id)).first()
    if found is None:
        raise NotFoundError(Problem("member-not-found", f"成员 {member_id} 不存在或不在您的数据范围内"))
    return found


def members(*, session: Session, household: Household) -> list[Member]:
    """The household's live members, head first. The household was loaded through the scope already."""
    statement = (
        select(Member)
        .where(Member.household_id == household.id, Member.deleted_at.is_(None))
        .order_by(Member.relation != "户主", Member.person_number, Member.id)
    )
    return list(session.scalars(statement))


def incomes(*, session: Session, household: Household) -> list[Income]:
    statement = select(Income).where(Income.household_id == household.id, Income.deleted_at.is_(None))
    return list(session.scalars(statement.order_by(Income.year.desc())))


def assistance(*, session: Session, household: Household) -> list[Assistance]:
    statement = select(Assistance).where(Assistance.household_id == household.id, Assistance.deleted_at.is_(None))
    return list(session.scalars(statement.order_by(Assistance.year.desc(), Assistance.id)))


def helpers(*, session: Session, household: Household) -> list[Helper]:
    statement = select(Helper).where(Helper.household_id == household.id, Helper.deleted_at.is_(None))
    return list(session.scalars(statement.order_by(Helper.id)))
