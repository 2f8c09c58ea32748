"""The household list's filters as WHERE conditions whose values are named parameters.

Every value a request brings (a code range, a status, the searched text, today's school-age dates) enters the
conditions as a named bound parameter and is also listed in `values`; `kinds` says which conditions there are and in
which form, i.e. everything about them except those values. Two requests of the same kinds therefore differ only in
parameters, so a statement built for the first one serves the second when run with the second's `values` (see
`service.list_`, which keeps one page statement per shape: building it cost more than running it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, false, func, literal_column, or_, select

from fupin.divisions.codes import is_code, prefix, prefix_range
from fupin.registry import idnumber
from fupin.registry.filters import FULL_ID, ID_TAIL, TAIL_LENGTH, Flag, HouseholdFilter
from fupin.registry.models import Household, Member

SCHOOL_AGE = (6, 16)  # 义务教育: from the year a child turns 6 until 16
CODE_FILTERS = ("poverty_status", "main_cause", "household_type", "household_attribute")


@dataclass
class Conditions:
    clauses: list[ColumnElement[bool]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def bind(self, name: str, value: Any) -> BindParameter[Any]:
        self.values[name] = value
        return bindparam(name, value)

    def add(self, kind: str, clause: ColumnElement[bool]) -> None:
        self.kinds.append(kind)
        self.clauses.append(clause)

    @property
    def shape(self) -> tuple[str, ...]:
        return tuple(self.kinds)


def for_filters(
    filters: HouseholdFilter, *, today: date, dialect: str, code: ColumnElement[str] | None = None
) -> Conditions:
    """`code` is the division code expression (unindexed for an index walk)."""
    column: ColumnElement[str] = Household.division_code.expression if code is None else code
    found = Conditions()
    if filters.division is not None:
        _under(found, filters.division, column)
    if filters.village is not None:
        if is_code(filters.village):
            found.add("village", column == found.bind("village", filters.village))
        else:
            found.add("village:none", false())
    for name in CODE_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            found.add(name, getattr(Household, name) == found.bind(name, value))
    if filters.text:
        _text(found, filters.text.strip(), dialect)
    for flag in filters.flags:
        found.add(f"flag:{flag.value}", FLAG_CONDITIONS[flag](found, today))
    return found


def _under(found: Conditions, code: str, column: ColumnElement[str]) -> None:
    """Households under a division: a native prefix, or a 12-digit code (its native prefix, by its zeros' level)."""
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
        found.add("division:none", false())
        return
    low, high = prefix_range(prefix(code) if len(code) == 12 else code)
    found.add("division", and_(column >= found.bind("division_low", low), column < found.bind("division_high", high)))


def id_tail(column: ColumnElement[str] | object) -> ColumnElement[str]:
    """The last four characters of an ID number, written exactly as the expression index is (both databases)."""
    return func.substr(column, func.length(column) - literal_column(str(TAIL_LENGTH - 1)))


def _text(found: Conditions, text: str, dialect: str) -> None:
    """A member's whole ID number, the last 4+ characters of it, or the start of a name; or a 户编号."""
    live = Member.deleted_at.is_(None)
    if FULL_ID.match(text):
        kind = "text:id"
        person = and_(live, Member.id_number == found.bind("text_id", idnumber.normalize(text)))
    elif ID_TAIL.match(text):
        kind, tail = "text:tail", text.upper()
        last = found.bind("text_last", tail[-TAIL_LENGTH:])
        person = and_(live, id_tail(Member.id_number) == last, Member.id_number.endswith(found.bind("text_tail", tail)))
    else:
        kind = "text:name"
        person = and_(live, _name_prefix(found, text, dialect))
    # One IN over a UNION (not an OR of two conditions), so both databases drive the query from the few matches.
    number = Household.household_number == found.bind("text_number", text)
    by_number = select(Household.id).where(number, Household.deleted_at.is_(None))
    found.add(kind, Household.id.in_(select(Member.household_id).where(person).union(by_number)))


def _name_prefix(found: Conditions, text: str, dialect: str) -> ColumnElement[bool]:
    """Names by prefix through the name index: a code-point range on SQLite, LIKE on PostgreSQL (pattern index)."""
    if dialect == "postgresql":
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Member.name.like(found.bind("name_pattern", escaped + "%"))
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return and_(Member.name >= found.bind("name_low", text), Member.name < found.bind("name_high", upper))


def _member_where(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Member.household_id == Household.id, Member.deleted_at.is_(None), *conditions)


def _school_age(found: Conditions, today: date) -> ColumnElement[bool]:
    youngest = found.bind("school_youngest", date(today.year - SCHOOL_AGE[0], today.month, 1))
    oldest = found.bind("school_oldest", date(today.year - SCHOOL_AGE[1], today.month, 1))
    return and_(Member.birth_date > oldest, Member.birth_date <= youngest, Member.school_status.is_(None))


FLAG_CONDITIONS: dict[Flag, Callable[[Conditions, date], ColumnElement[bool]]] = {
    Flag.housing_unsafe: lambda _found, _today: or_(
        Household.house_safety_grade.in_(("C", "D")), Household.dilapidated.is_(True)
    ),
    Flag.water_insecure: lambda _found, _today: or_(
        Household.water_safe.is_(False), Household.water_difficult.is_(True)
    ),
    Flag.school_dropout: lambda found, today: _member_where(
        or_(Member.dropout_reason.is_not(None), _school_age(found, today))
    ),
    Flag.no_medical_insurance: lambda _found, _today: _member_where(
        Member.ins_resident_medical.is_(False), Member.ins_employee_medical.is_not(True)
    ),
}
