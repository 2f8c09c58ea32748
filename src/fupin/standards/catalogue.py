"""The names a rule may use: household, income-of-the-year and member fields, plus derived values.

Kinds decide which operations make sense (ordering compares only numbers and dates); levels decide where a name
may appear (member names only inside a member quantifier such as any_member(...)).
"""

from dataclasses import dataclass
from typing import Literal

from fupin.registry.fields import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, FieldSpec

Level = Literal["household", "income", "member"]
ValueKind = Literal["text", "bool", "number", "date"]

# Columns of the same name on several levels resolve to the level the rule is written at.
INCOME_ONLY = frozenset(spec.name for spec in INCOME_FIELDS) - frozenset(spec.name for spec in HOUSEHOLD_FIELDS)


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    label: str
    level: Level
    kind: ValueKind
    column: str  # the stored column, or "" for a derived value
    codelist: str | None = None


def _kind(spec: FieldSpec) -> ValueKind:
    if spec.kind == "bool":
        return "bool"
    if spec.kind in ("int", "decimal", "year"):
        return "number"
    if spec.kind == "date":
        return "date"
    return "text"


def _names(level: Level, specs: tuple[FieldSpec, ...], skip: frozenset[str] = frozenset()) -> dict[str, Name]:
    return {
        s.name: Name(s.name, s.label, level, _kind(s), s.name, s.codelist if s.kind == "code" else None)
        for s in specs
        if s.name not in skip
    }


HOUSEHOLD_NAMES = _names("household", HOUSEHOLD_FIELDS, frozenset({"household_number"}))
INCOME_NAMES = _names(
    "income", INCOME_FIELDS, frozenset({"year"}) | (frozenset(s.name for s in INCOME_FIELDS) - INCOME_ONLY)
)
MEMBER_NAMES = {
    **_names("member", MEMBER_FIELDS, frozenset({"household_number"})),
    "age": Name("age", "年龄（周岁，按评估基准日）", "member", "number", ""),
}
OUTER_NAMES = {**HOUSEHOLD_NAMES, **INCOME_NAMES}


def lookup(name: str, *, inside_member: bool) -> Name | None:
    """The name as seen at this place of a rule: member names inside a quantifier, household/income outside."""
    if inside_member:
        return MEMBER_NAMES.get(name)
    return OUTER_NAMES.get(name)
