"""A household's page as the template shows it: every cell already turned into its text.

The page is the registry's busiest; in the template each cell cost a dozen calls (name lookups, three tests, the
attribute fallbacks Jinja tries on a dict) and about a third of the request. Here a cell is one function call and
the template only places texts, which it still escapes. The texts come from the rows as read, masked as the API's
`registry.detail` masks them, without building the API's models on the way.
"""

import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from fupin.registry.fields import HOUSEHOLD_BY_NAME, HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_BY_NAME
from fupin.registry.history import Entry
from fupin.registry.models import Household
from fupin.registry.privacy import mask_id, mask_phone
from fupin.registry.schemas import values_of
from fupin.registry.service import Belongings

HOUSEHOLD_GROUPS = (
    ("基本信息", ("division_code", "group_name", "phone", "bank_name", "bank_account", "household_type",
                  "household_attribute", "identification_standard")),
    ("贫困状态", ("poverty_status", "identified_date", "exit_year", "monitoring_category", "main_cause",
                  "other_causes", "military_family", "relocated", "relocation_mode", "no_labour_safety_net")),
    ("土地", ("cultivated_land_mu", "irrigated_land_mu", "forest_land_mu", "returned_forest_mu", "orchard_mu",
              "pasture_mu", "water_surface_mu")),
    ("住房和饮水", ("house_area_m2", "house_structure", "house_built_year", "house_safety_grade", "dilapidated",
                    "water_source", "water_safe", "water_difficult", "water_quantity_lpd", "water_fetch_minutes",
                    "water_guaranteed", "water_quality_ok")),
    ("生产生活条件", ("household_power", "production_power", "radio_tv", "access_road_type", "road_distance_km",
                      "sanitary_toilet", "main_fuel", "coop_member", "enterprise_link", "entrepreneur_link",
                      "industry_support_type")),
)  # fmt: skip
MEMBER_COLUMNS = ("name", "relation", "sex", "birth_date", "id_number", "phone", "education", "school_status",
                  "health", "labour_skill", "work_months", "ins_resident_medical")  # fmt: skip
MEMBER_HEADINGS = tuple(MEMBER_BY_NAME[name].label for name in MEMBER_COLUMNS)
INCOME_HEADINGS = tuple(spec.label for spec in INCOME_FIELDS)
_INCOME_NAMES = tuple(spec.name for spec in INCOME_FIELDS)
_MEMBER_SPECS = tuple(MEMBER_BY_NAME[name] for name in MEMBER_COLUMNS)

ENTITY_LABELS = {"household": "户", "member": "成员", "income": "收入"}
ACTION_LABELS = {"insert": "新建", "update": "修改", "delete": "删除", "reveal": "查看完整信息"}
LONG_NUMBER = re.compile(r"[0-9]{11,}[0-9Xx]?")


def text_of(value: Any, nothing: str = "") -> str:
    """A value as the pages write it: 是/否 for yes/no, `nothing` where there is none."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None:
        return nothing
    return str(value)


class Fact(NamedTuple):
    label: str
    text: str


class MemberRow(NamedTuple):
    id: int
    cells: list[str]


class HistoryRow(NamedTuple):
    at: str
    actor: str
    channel: str
    subject: str  # what changed: 户/成员/收入 and its number
    action: str
    before: str
    after: str


class HelperLine(NamedTuple):
    name: str
    work_unit: str
    position: str
    phone: str  # masked unless revealed


class HouseholdView(NamedTuple):
    facts: list[tuple[str, list[Fact]]]  # by group: 基本信息, 贫困状态, …
    members: list[MemberRow]
    incomes: list[list[str]]  # one row a year, newest first, in INCOME_HEADINGS' order
    assistance: list[Any]  # the rows as read (year, category, detail, amount)
    helpers: list[HelperLine]


def household_view(household: Household, held: Belongings, *, reveal: bool) -> HouseholdView:
    """The household and what it holds, with ID numbers, phones and accounts masked unless revealed (as the API's
    `registry.detail` masks them)."""
    values = values_of(household, HOUSEHOLD_FIELDS, reveal=reveal)
    return HouseholdView(
        facts=[
            (title, [Fact(HOUSEHOLD_BY_NAME[name].label, text_of(values[name], "—")) for name in names])
            for title, names in HOUSEHOLD_GROUPS
        ],
        members=[_member_row(member, reveal) for member in held.members],
        incomes=[[text_of(getattr(income, name)) for name in _INCOME_NAMES] for income in held.incomes],
        assistance=held.assistance,
        helpers=[
            HelperLine(
                helper.name,
                helper.work_unit or "",
                helper.position or "",
                (helper.phone if reveal else mask_phone(helper.phone)) or "",
            )
            for helper in held.helpers
        ],
    )


def _member_row(member: Any, reveal: bool) -> MemberRow:
    values = values_of(member, _MEMBER_SPECS, reveal=reveal)
    return MemberRow(member.id, [text_of(values[name]) for name in MEMBER_COLUMNS])


def history_rows(entries: Iterable[Entry], *, revealed: bool) -> list[HistoryRow]:
    """The audit trail, with long numbers (IDs, phones, accounts) masked unless the user revealed them."""
    return [
        HistoryRow(
            at=entry.at.strftime("%Y-%m-%d %H:%M"),
            actor=entry.actor,
            channel=entry.channel,
            subject=f"{ENTITY_LABELS.get(entry.entity, entry.entity)} {entry.entity_id}",
            action=ACTION_LABELS.get(entry.action, entry.action),
            before=_change_text(entry.before, revealed),
            after=_change_text(entry.after, revealed),
        )
        for entry in entries
    ]


def _change_text(values: dict[str, Any], revealed: bool) -> str:
    text = json.dumps(values, ensure_ascii=False, default=str) if values else ""
    return text if revealed else LONG_NUMBER.sub(lambda match: mask_id(match.group(0)) or "", text)
