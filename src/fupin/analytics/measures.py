"""The per-village figures as data: each is a column of `analytics_village`, a Chinese label and what it counts.

A household measure counts live households that meet its condition; a member measure counts live members (of live
households). The conditions are SQLAlchemy expressions over the registry's published relations (`registry.sql`),
so one definition serves both databases.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, or_

Source = Literal["household", "member"]
Condition = Callable[[Any], ColumnElement[bool]] | None  # takes the relation's `.c` collection; None: every row


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    label: str
    group: str
    source: Source
    condition: Condition


def _equals(column: str, value: str) -> Condition:
    return lambda c: c[column] == value


def _is_true(column: str) -> Condition:
    return lambda c: c[column].is_(True)


def _is_false(column: str) -> Condition:
    return lambda c: c[column].is_(False)


POOR_STATUSES = ("未脱贫", "返贫", "新识别")  # households still counted as poor (贫困人口)

STATUS = {
    "status_not_exited": "未脱贫",
    "status_exited": "已脱贫",
    "status_returned": "返贫",
    "status_new": "新识别",
    "status_natural_decrease": "自然减少",
    "status_removed": "清退",
}
CAUSE = {
    "cause_illness": "因病",
    "cause_disability": "因残",
    "cause_education": "因学",
    "cause_disaster": "因灾",
    "cause_land": "缺土地",
    "cause_water": "缺水",
    "cause_skills": "缺技术",
    "cause_labour": "缺劳力",
    "cause_capital": "缺资金",
    "cause_transport": "交通条件落后",
    "cause_motivation": "自身发展动力不足",
    "cause_marriage": "因婚",
    "cause_funeral": "因丧",
    "cause_other": "其他",
}
HOUSEHOLD_TYPE = {"type_poor": "贫困户", "type_exited": "脱贫户", "type_ordinary": "普通农户"}
MONITORING = {
    "monitor_unstable": "脱贫不稳定户",
    "monitor_marginal": "边缘易致贫户",
    "monitor_sudden": "突发严重困难户",
}

MEASURES: tuple[Measure, ...] = (
    Measure("households", "户数", "total", "household", None),
    Measure("members", "人数", "total", "member", None),
    Measure(
        "members_poor",
        "贫困人口（未脱贫、返贫、新识别户的成员）",
        "total",
        "member",
        lambda c: c["poverty_status"].in_(POOR_STATUSES),
    ),
    Measure("members_exited", "已脱贫人口", "total", "member", _equals("poverty_status", "已脱贫")),
    *(
        Measure(name, value, "poverty_status", "household", _equals("poverty_status", value))
        for name, value in STATUS.items()
    ),
    *(Measure(name, value, "main_cause", "household", _equals("main_cause", value)) for name, value in CAUSE.items()),
    *(
        Measure(name, value, "household_type", "household", _equals("household_type", value))
        for name, value in HOUSEHOLD_TYPE.items()
    ),
    Measure("monitored", "监测对象户", "monitoring", "household", lambda c: c["monitoring_category"].is_not(None)),
    *(
        Measure(name, value, "monitoring", "household", _equals("monitoring_category", value))
        for name, value in MONITORING.items()
    ),
    Measure(
        "house_unsafe",
        "住房安全等级为C级或D级的户",
        "guarantee",
        "household",
        lambda c: c["house_safety_grade"].in_(("C", "D")),
    ),
    Measure("dilapidated", "危房户", "guarantee", "household", _is_true("dilapidated")),
    Measure("water_unsafe", "未解决安全饮用水的户", "guarantee", "household", _is_false("water_safe")),
    Measure("water_difficult", "饮水困难的户", "guarantee", "household", _is_true("water_difficult")),
    Measure(
        "members_dropout",
        "失学或辍学人员",
        "guarantee",
        "member",
        lambda c: and_(c["dropout_reason"].is_not(None), c["dropout_reason"] != ""),
    ),
    Measure(
        "members_no_medical",
        "未参加基本医疗保险的人员",
        "guarantee",
        "member",
        lambda c: and_(
            or_(c["ins_resident_medical"].is_(None), c["ins_resident_medical"].is_(False)),
            or_(c["ins_employee_medical"].is_(None), c["ins_employee_medical"].is_(False)),
        ),
    ),
)

BY_NAME = {measure.name: measure for measure in MEASURES}
GROUP_LABELS = {
    "total": "总量",
    "poverty_status": "贫困户状态",
    "main_cause": "主要致贫原因",
    "household_type": "户类型",
    "monitoring": "监测对象",
    "guarantee": "两不愁三保障及饮水安全",
}
# The figures kept per month for the trend (analytics_unit_month): the state counts officials follow over time.
TREND = ("households", "members", "members_poor", "status_not_exited", "status_exited", "status_returned", "monitored")


def of_group(group: str) -> tuple[Measure, ...]:
    return tuple(measure for measure in MEASURES if measure.group == group)
