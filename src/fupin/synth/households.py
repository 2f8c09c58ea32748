"""Household facts: poverty record (status, dates, causes, attribute), benefits, land, housing and living conditions."""

from dataclasses import dataclass, field

import numpy as np

from fupin.synth.people import Population
from fupin.synth.render import (
    Rng,
    Text,
    blank_where,
    chance,
    dates,
    decimals,
    integers,
    join,
    labels,
    pick,
    pick_by_group,
    yes_no,
)
from fupin.synth.traits import CODES, DISABLED, SCHOOL, SERIOUS, Traits

CAUSES = CODES["cause"].values
CAUSE_WEIGHTS = {
    "缺资金": 0.25,
    "缺技术": 0.20,
    "因病": 0.18,
    "缺劳力": 0.08,
    "因学": 0.07,
    "因残": 0.07,
    "交通条件落后": 0.05,
    "缺土地": 0.03,
    "自身发展动力不足": 0.03,
    "缺水": 0.02,
    "因灾": 0.02,
}
FIRST_YEAR = 2014  # the registry (建档立卡) starts in 2014
IDENTIFIED_WEIGHTS = (0.62, 0.10, 0.10, 0.09, 0.05, 0.04)  # identified in 2014 … 2019
EXIT_WEIGHTS = (0.05, 0.12, 0.18, 0.20, 0.22, 0.15, 0.08)  # exited in 2014 … 2020, the last year of exits
ROAD_TYPES, ROAD_WEIGHTS = ("泥土路", "砂石路", "水泥路", "沥青路"), (0.06, 0.12, 0.80, 0.02)
FUELS, FUEL_WEIGHTS = ("电", "柴草", "煤炭", "罐装液化气"), (0.45, 0.30, 0.20, 0.05)
INDUSTRY_SUPPORT = ("种植业", "养殖业", "种养结合", "光伏", "乡村旅游", "林下经济")
STATUSES = ("已脱贫", "未脱贫", "返贫", "新识别")


@dataclass(slots=True)
class Homes:
    """Per-household arrays other modules need, and the household-sheet columns decided here."""

    dibao: np.ndarray
    tekun: np.ndarray
    edge: np.ndarray  # a monitored ordinary household, never registered as poor
    exited: np.ndarray
    standard: np.ndarray
    cultivated_tenths: np.ndarray
    forest_tenths: np.ndarray
    returned_tenths: np.ndarray
    columns: dict[str, Text] = field(default_factory=dict)


def per_household(people: Population, values: np.ndarray) -> np.ndarray:
    """Sum of a member-level quantity over each household."""
    return np.bincount(people.household, weights=values, minlength=people.sizes.size).astype(np.int64)


def draw_households(rng: Rng, people: Population, traits: Traits, year: int) -> Homes:
    count = people.sizes.size
    serious = per_household(people, (traits.health & SERIOUS) > 0) > 0
    disabled = per_household(people, (traits.health & DISABLED) > 0) > 0
    workers = per_household(people, traits.capable)
    tekun = (people.sizes <= 2) & (workers == 0) & (traits.age[people.heads] >= 60) & chance(rng, 0.6, count)
    dibao = ~tekun & chance(rng, 0.12 + 0.25 * (serious | disabled) + 0.15 * (workers == 0), count)
    edge = chance(rng, 0.04 if year >= 2020 else 0.0, count)
    homes = Homes(
        dibao, tekun, edge, np.zeros(count, dtype=bool), pick(rng, (0.92, 0.08, 0.0), count), *_land(rng, count)
    )
    _poverty_record(rng, homes, year)
    _causes(rng, homes, people, traits, serious, disabled)
    _living_conditions(rng, homes, workers)
    return homes


def _poverty_record(rng: Rng, homes: Homes, year: int) -> None:
    count = homes.edge.size
    last = min(year, FIRST_YEAR + len(IDENTIFIED_WEIGHTS) - 1)
    identified = FIRST_YEAR + pick(rng, IDENTIFIED_WEIGHTS[: last - FIRST_YEAR + 1], count)
    possible_exits = [
        [w if FIRST_YEAR + k >= first else 0.0 for k, w in enumerate(EXIT_WEIGHTS)] for first in range(2014, 2020)
    ]
    exit_year = FIRST_YEAR + pick_by_group(rng, possible_exits, identified - FIRST_YEAR)
    exited = exit_year <= year
    returned = exited & (exit_year < year) & chance(rng, 0.005, count)
    status = np.select([homes.edge, exited & ~returned, returned, identified == year], [-1, 0, 2, 3], default=1)
    homes.exited = exited & ~returned & ~homes.edge
    start = np.where(
        identified == FIRST_YEAR,
        np.datetime64("2014-04-01"),
        (identified - 1970).astype("datetime64[Y]").astype("datetime64[D]"),
    )
    days = rng.integers(0, np.where(identified == FIRST_YEAR, 214, 365))
    columns = homes.columns
    columns["户类型"] = labels(
        ("脱贫户", "贫困户", "普通农户"), np.select([homes.edge, homes.exited], [2, 0], default=1)
    )
    columns["监测对象类别"] = _monitoring(rng, homes, year)
    columns["贫困户属性"] = _attribute(homes)
    columns["贫困户状态"] = labels(STATUSES, status)
    columns["首次识别时间"] = blank_where(homes.edge, dates(start + days.astype("timedelta64[D]")))
    columns["脱贫年度"] = blank_where(homes.edge | ~exited, integers(exit_year))


def _monitoring(rng: Rng, homes: Homes, year: int) -> Text:
    """From 2020 some exited households are watched as unstable; edge households are watched from the start."""
    if year < 2020:
        return labels((), np.full(homes.edge.size, -1))
    sudden = homes.edge & chance(rng, 0.2 if year >= 2021 else 0.0, homes.edge.size)
    unstable = homes.exited & chance(rng, 0.04, homes.edge.size)
    category = np.select([sudden, homes.edge, unstable], [2, 1, 0], default=-1)
    return labels(CODES["monitoring_category"].values, category)


def _attribute(homes: Homes) -> Text:
    kinds = ("一般脱贫户", "低保脱贫户", "特困供养脱贫户", "一般贫困户", "低保贫困户", "特困供养贫困户", "一般农户")
    benefit = np.select([homes.tekun, homes.dibao], [2, 1], default=0)
    return labels(kinds, np.where(homes.edge, 6, np.where(homes.exited, benefit, benefit + 3)))


def _causes(
    rng: Rng, homes: Homes, people: Population, traits: Traits, serious: np.ndarray, disabled: np.ndarray
) -> None:
    """Main cause drawn from Guizhou's mix, but illness, disability and older pupils make their cause likely."""
    count = homes.edge.size
    weights = [CAUSE_WEIGHTS.get(cause, 0.0) for cause in CAUSES]
    main = pick(rng, weights, count)
    pupils = per_household(people, traits.school >= SCHOOL.index("普通高中一年级")) > 0
    for flag, cause, share in ((pupils, "因学", 0.4), (disabled, "因残", 0.5), (serious, "因病", 0.6)):
        main = np.where(flag & chance(rng, share, count), CAUSES.index(cause), main)
    wanted = pick(rng, (0.35, 0.40, 0.25), count)
    first, second = pick(rng, weights, count), pick(rng, weights, count)
    first = np.where((wanted >= 1) & (first != main), first, -1)
    second = np.where((wanted == 2) & (second != main) & (second != first), second, -1)
    low, high = np.minimum(first, second), np.maximum(first, second)  # stored in code-list order
    low, high = np.where(low < 0, high, low), np.where(low < 0, -1, high)
    others = join(labels(CAUSES, low), labels((",",), np.where(high >= 0, 0, -1)), labels(CAUSES, high))
    homes.columns["主要致贫原因"] = labels(CAUSES, np.where(homes.edge, -1, main))
    homes.columns["其他致贫原因"] = blank_where(homes.edge, others)
    homes.columns["是否军烈属"] = yes_no(chance(rng, 0.01, count))


def _land(rng: Rng, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cultivated, forest and returned-to-forest land in tenths of a mu."""
    cultivated = np.rint(rng.lognormal(np.log(2.5), 0.6, count) * 10).astype(np.int64)
    forest = np.where(chance(rng, 0.6, count), np.rint(rng.lognormal(np.log(3.0), 0.8, count) * 10), 0).astype(np.int64)
    returned = np.where(chance(rng, 0.4, count), rng.integers(5, 40, count), 0)
    return cultivated, forest, returned


def _living_conditions(rng: Rng, homes: Homes, workers: np.ndarray) -> None:
    count = workers.size
    columns = homes.columns
    irrigated = (homes.cultivated_tenths * rng.random(count) * 0.5).astype(np.int64)
    columns["耕地面积（亩）"] = decimals(homes.cultivated_tenths, 1)
    columns["有效灌溉面积"] = decimals(irrigated, 1)
    columns["林地面积"] = decimals(homes.forest_tenths, 1)
    columns["退耕还林面积"] = decimals(homes.returned_tenths, 1)
    columns["林果面积"] = decimals(np.where(chance(rng, 0.2, count), rng.integers(1, 20, count), 0), 1)
    columns["牧草地面积"] = decimals(np.where(chance(rng, 0.05, count), rng.integers(5, 50, count), 0), 1)
    columns["水面面积"] = decimals(np.zeros(count, dtype=np.int64), 1)
    columns["入户路类型"] = labels(ROAD_TYPES, pick(rng, ROAD_WEIGHTS, count))
    columns["与村主干路距离"] = decimals(np.rint(rng.exponential(4.0, count)).astype(np.int64), 1)
    columns["是否通生活用电"] = yes_no(np.ones(count, dtype=bool))
    columns["是否通生产用电"] = yes_no(chance(rng, 0.9, count))
    columns["是否通广播电视"] = yes_no(chance(rng, 0.98, count))
    columns["是否解决安全饮用水"] = yes_no(chance(rng, 0.99, count))
    columns["饮水是否困难"] = yes_no(chance(rng, 0.02, count))
    columns["是否有卫生厕所"] = yes_no(chance(rng, 0.75, count))
    columns["主要燃料类型"] = labels(FUELS, pick(rng, FUEL_WEIGHTS, count))
    columns["是否危房户"] = yes_no(~homes.exited & chance(rng, 0.02, count))
    columns["住房面积"] = integers(np.clip(np.rint(rng.normal(95, 30, count)), 30, 300))
    columns["是否加入农民专业合作组织"] = yes_no(chance(rng, 0.6, count))
    columns["是否有龙头企业带动"] = yes_no(chance(rng, 0.4, count))
    columns["是否有创业致富带头人带动"] = yes_no(chance(rng, 0.2, count))
    support = np.where(~homes.edge & chance(rng, 0.7, count), rng.integers(0, len(INDUSTRY_SUPPORT), count), -1)
    columns["到户产业帮扶类型"] = labels(INDUSTRY_SUPPORT, support)
    columns["是否整户无劳动能力兜底保障户"] = yes_no(workers == 0)
