"""Reading the registry: the household list (filters, sort, page, total), one household and what belongs to it.

Every read starts from `households_in(scope)` or `members_in(scope)`, the one place the scope and the soft
delete apply, so no query here can forget either.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from fupin.divisions import service as divisions
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.divisions.service import ChainUnit
from fupin.errors import ForbiddenError, NotFoundError, Problem
from fupin.registry import conditions, counting
from fupin.registry.counting import Counted
from fupin.registry.filters import HouseholdFilter, PageRequest, SortKey
from fupin.registry.models import Assistance, Helper, Household, Income, Member
from fupin.side_by_side import Columns, Part, SideBySide

INDEXED_SORTS = (SortKey.household_number, SortKey.poverty_status, SortKey.main_cause)  # indexes ordered (key, id)


def households_in(scope: Scope, *, by_code_index: bool = True, named: bool = False) -> Select[Household]:
    """Live households inside the view scope: the start of every household read.

    `by_code_index=False` states the scope on `division_code || ''`, which no index serves, so the planner walks the
    sort column's index instead of sorting every household of a scope that holds most of the table (see `list_`).
    `named=True` states it with the named parameters of `Scope.bounds`, for a statement that serves many scopes.
    """
    live = select(Household).where(Household.deleted_at.is_(None))
    return scope.apply(live, Household.division_code if by_code_index else _unindexed_code(), named=named)


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
    dialect = session.get_bind().dialect.name
    found = conditions.for_filters(filters, today=today, dialect=dialect)
    total = counting.total(
        session=session,
        scope=scope,
        filters=filters,
        matching=lambda: households_in(scope).where(*found.clauses).with_only_columns(Household.id),
    )
    walk = (
        page.sort in INDEXED_SORTS
        and not page.descending
        and counting.walk_sort_index(session=session, total=total, rows_needed=page.offset + page.limit)
    )
    if walk:
        found = conditions.for_filters(filters, today=today, dialect=dialect, code=_unindexed_code())
    shape = (found.shape, scope.view_prefix is None, page.sort, page.descending, walk, dialect)
    statement = _PAGE_STATEMENTS.get(shape)
    if statement is None:
        statement = _page_statement(scope, found, page.sort, descending=page.descending, walk=walk)
        if len(_PAGE_STATEMENTS) >= MAX_PAGE_STATEMENTS:
            _PAGE_STATEMENTS.clear()
        _PAGE_STATEMENTS[shape] = statement
    parameters = {**found.values, **scope.bounds(), "page_limit": page.limit, "page_offset": page.offset}
    rows = list(session.execute(statement, parameters))
    heads = {row.id: Head(row.head_name, row.head_id_number) for row in rows if row.head_name is not None}
    return HouseholdPage(rows, heads, {row.id: int(row.size) for row in rows}, total.value, page, total.counted)


# One page statement per shape (filters present and their forms, sort, direction, plan, dialect), run with each
# request's values as parameters: building it cost more than running it. Shapes are few; the cap only bounds memory.
_PAGE_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}
MAX_PAGE_STATEMENTS = 512


def _page_statement(
    scope: Scope, found: conditions.Conditions, sort: SortKey, *, descending: bool, walk: bool
) -> Select[Any]:
    """Every value in it is a named parameter: the scope's bounds, the filters' values, the page's limit and offset."""
    column = getattr(Household, sort.value)
    order = [column.desc() if descending else column.asc(), Household.id]
    on_page = (
        households_in(scope, by_code_index=not walk, named=True)
        .where(*found.clauses)
        .with_only_columns(*LIST_COLUMNS, column.label("sort_key"))
        .order_by(*order)
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .subquery("on_page")
    )
    return _with_heads_and_sizes(on_page, descending=descending)


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
    found = conditions.for_filters(filters, today=today, dialect=dialect)
    return households_in(scope).where(*found.clauses).with_only_columns(Household.id)


def get(*, session: Session, scope: Scope, household_id: int) -> Household | None:
    statement = _BY_ID.get(scope.view_prefix is None)
    if statement is None:
        statement = _BY_ID[scope.view_prefix is None] = households_in(scope, named=True).where(
            Household.id == bindparam("household_id", type_=Integer)
        )
    return session.scalars(statement, {**scope.bounds(), "household_id": household_id}).first()


# One household by id, per scope shape (a scope or none at all), run with each request's scope bounds: every page
# and API call about one household starts here, and building the statement cost more than running it.
_BY_ID: dict[bool, Select[Household]] = {}


def get_or_raise(*, session: Session, scope: Scope, household_id: int) -> Household:
    """The household, or 404 whether it does not exist or lies outside the scope (the two are not told apart)."""
    found = get(session=session, scope=scope, household_id=household_id)
    if found is None:
        raise _not_found(household_id)
    return found


def _not_found(household_id: int) -> NotFoundError:
    return NotFoundError(Problem("household-not-found", f"农户 {household_id} 不存在或不在您的数据范围内"))


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


def _belonging(name: str, table: FromClause, order: Callable[[Columns], Sequence[ColumnElement[Any]]]) -> Part:
    """A table's live rows of the household (`household_id`), as plain rows with the column names as attributes."""
    live = select(table).where(
        table.c.household_id == bindparam("household_id", type_=Integer), table.c.deleted_at.is_(None)
    )
    return Part(name, live, order)


# Members head first, incomes newest year first; read together (one round trip instead of four, each of which cost
# more than reading its rows), and with more on the household's page.
BELONGING_PARTS = (
    _belonging("MemberRow", Member.__table__, lambda c: (c.relation != "户主", c.person_number, c.id)),
    _belonging("IncomeRow", Income.__table__, lambda c: (c.year.desc(), c.id)),
    _belonging("AssistanceRow", Assistance.__table__, lambda c: (c.year.desc(), c.id)),
    _belonging("HelperRow", Helper.__table__, lambda c: (c.id,)),
)
_BELONGINGS = SideBySide(*BELONGING_PARTS)


@dataclass(frozen=True, slots=True)
class Belongings:
    """What a household holds, read to be shown (plain rows with the columns' names as attributes, not entities)."""

    members: list[Any]  # head first
    incomes: list[Any]  # newest year first
    assistance: list[Any]
    helpers: list[Any]


def belongings(*, session: Session, household: Household) -> Belongings:
    """The household's live members, incomes, assistance and cadres. The household was loaded through the scope.

    The read goes to the connection as a Core statement, which the ORM's autoflush does not see: anything the session
    holds unflushed is flushed first (nothing, after the routes' commits), so a change made in this session shows.
    """
    session.flush()
    return belongings_of(_BELONGINGS.read(session.connection(), {"household_id": household.id}))


def belongings_of(found: Sequence[list[Any]]) -> Belongings:
    """The rows of BELONGING_PARTS, read in their order (alone or with other parts), as Belongings."""
    members, incomes, assistance, helpers = found
    return Belongings(members=members, incomes=incomes, assistance=assistance, helpers=helpers)


@dataclass(frozen=True, slots=True)
class HouseholdRead:
    """A household and what is about it, read as plain rows (the columns' names as attributes, not entities)."""

    household: Any
    chain: list[ChainUnit]  # its division's chain, province first
    belongings: Belongings
    more: list[list[Any]]  # the rows of the extra parts, in the order they were asked for


def read_household(*, session: Session, scope: Scope, household_id: int, extra: tuple[Part, ...] = ()) -> HouseholdRead:
    """The live household inside the view scope (404 as `get_or_raise` otherwise), its division chain, its
    belongings and the rows of `extra` parts about it (their parameter: `household_id`), in one statement: a
    household's page, which used to cost one statement for each and SQLAlchemy's entity loading for the household.
    The other parts are read whatever the first finds and dropped unseen when it finds nothing.
    """
    key = (scope.view_prefix is None, extra)
    parts = _HOUSEHOLD_READS.get(key)
    if parts is None:
        parts = _HOUSEHOLD_READS[key] = SideBySide(_household_part(scope), _CHAIN_PART, *BELONGING_PARTS, *extra)
    session.flush()  # the parts are read on the connection, which the ORM's autoflush does not see
    found = parts.read(session.connection(), {**scope.bounds(), "household_id": household_id})
    if not found[0]:
        raise _not_found(household_id)
    household = found[0][0]
    loaded = [ChainUnit(*row) for row in found[1]]
    chain = divisions.chain_from(session=session, code=household.division_code, loaded=loaded)
    belongings = belongings_of(found[2 : 2 + len(BELONGING_PARTS)])
    return HouseholdRead(household, chain, belongings, found[2 + len(BELONGING_PARTS) :])


# Per scope shape (a prefix or none at all) and extra parts; run with each request's scope bounds.
_HOUSEHOLD_READS: dict[tuple[bool, tuple[Part, ...]], SideBySide] = {}


def _household_part(scope: Scope) -> Part:
    by_id = households_in(scope, named=True).where(Household.id == bindparam("household_id", type_=Integer))
    return Part("HouseholdRow", by_id, lambda c: (c.id,))


_CHAIN_PART = Part(
    "ChainRow",
    select(*divisions.CHAIN_COLUMNS)
    .join_from(Household, Division, divisions.chain_condition(Household.division_code))
    .where(Household.id == bindparam("household_id", type_=Integer)),
    lambda c: (c.level,),
)


def members(*, session: Session, household: Household) -> list[Member]:
    """The household's live members, head first, as entities to change. The household was loaded through the scope."""
    statement = (
        select(Member)
        .where(Member.household_id == household.id, Member.deleted_at.is_(None))
        .order_by(Member.relation != "户主", Member.person_number, Member.id)
    )
    return list(session.scalars(statement))
