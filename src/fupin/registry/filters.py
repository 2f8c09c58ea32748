"""The household list's filters, sort keys and page, typed and explicit (no client-driven filter language)."""

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_OFFSET = 100_000  # deeper pages are better reached by narrowing the filters; keeps OFFSET cheap
FULL_ID = re.compile(r"^[0-9]{17}[0-9Xx]$|^[0-9]{15}$")
ID_TAIL = re.compile(r"^[0-9]{3,16}[0-9Xx]$")
TAIL_LENGTH = 4  # the indexed tail of an ID number; a search by the last digits needs at least these


class Flag(StrEnum):
    """Guarantee failures the registry fields already carry (assessed indicator verdicts come with issue 4)."""

    housing_unsafe = "housing_unsafe"
    water_insecure = "water_insecure"
    school_dropout = "school_dropout"
    no_medical_insurance = "no_medical_insurance"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {
    Flag.housing_unsafe: "住房不安全（C/D级或危房）",
    Flag.water_insecure: "饮水不安全",
    Flag.school_dropout: "义务教育阶段失学辍学",
    Flag.no_medical_insurance: "有成员未参加基本医疗保险",
}


class SortKey(StrEnum):
    household_number = "household_number"
    division_code = "division_code"
    poverty_status = "poverty_status"
    main_cause = "main_cause"
    identified_date = "identified_date"
    exit_year = "exit_year"
    updated_at = "updated_at"

    @property
    def label(self) -> str:
        return SORT_LABELS[self]


SORT_LABELS = {
    SortKey.household_number: "户编号",
    SortKey.division_code: "所在村",
    SortKey.poverty_status: "贫困户状态",
    SortKey.main_cause: "主要致贫原因",
    SortKey.identified_date: "首次识别时间",
    SortKey.exit_year: "脱贫年度",
    SortKey.updated_at: "最后修改",
}


@dataclass(frozen=True, slots=True)
class HouseholdFilter:
    """Every filter is optional; the scope is not one of them (it is always applied, see `service.list_`)."""

    division: str | None = None  # a code prefix at any level (2–12 digits), intersected with the scope
    village: str | None = None  # a 12-digit village code
    poverty_status: str | None = None
    main_cause: str | None = None
    household_type: str | None = None
    household_attribute: str | None = None
    text: str | None = None  # a member's name (prefix), whole ID number, or its last 4+ digits
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class PageRequest:
    sort: SortKey = SortKey.household_number
    descending: bool = False
    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    def clamped(self) -> "PageRequest":
        limit = min(max(self.limit, 1), MAX_PAGE_SIZE)
        return PageRequest(self.sort, self.descending, limit, min(max(self.offset, 0), MAX_OFFSET))
