"""One year's household income by source in whole yuan, with net and per-capita net by the registry identity (§1.6):
net = wage + business + property + transfer − business costs, per-capita = net ÷ household size (to the fen)."""

import numpy as np

from fupin.synth.households import Homes, per_household
from fupin.synth.people import Population
from fupin.synth.render import Rng, Text, chance, decimals, integers
from fupin.synth.traits import Traits

# Exit lines the registry worked with (domain.md §2; 2017–2019 unconfirmed), used to keep exited households above them.
EXIT_LINES = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}
POOR_FLOOR_SHARE = 0.6
PENSION_PER_YEAR = 1_260  # Guizhou's basic rural pension, about 105 yuan a month in 2020


def income_columns(
    rng: Rng, people: Population, traits: Traits, homes: Homes, dibao: np.ndarray, tekun: np.ndarray, year: int
) -> dict[str, Text]:
    """`dibao` and `tekun` are the member-level benefit flags."""
    count, size = people.sizes.size, len(people)
    growth = 1.08 ** (year - 2020)
    migrant = per_household(people, traits.work_months * rng.integers(2_800, 4_201, size) * growth)
    local_job = (
        traits.capable & (traits.work_months == 0) & (traits.age >= 18) & (traits.age <= 64) & chance(rng, 0.4, size)
    )
    local = per_household(people, local_job * rng.integers(2_000, 8_001, size) * growth)
    welfare = per_household(people, traits.welfare_months * rng.integers(500, 1_001, size))
    livestock = np.where(chance(rng, 0.45, count), rng.integers(1_000, 8_001, count), 0)
    business = ((homes.cultivated_tenths * rng.integers(60, 151, count) // 10 + livestock) * growth).astype(np.int64)
    costs = (business * rng.uniform(0.2, 0.45, count)).astype(np.int64)
    dividend = np.where(~homes.edge & chance(rng, 0.5, count), rng.integers(200, 1_201, count), 0)
    other_property = np.where(chance(rng, 0.1, count), rng.integers(100, 2_001, count), 0)
    transfers = {
        "养老金或离退休金": per_household(people, (traits.age >= 60) * PENSION_PER_YEAR),
        "计划生育金": np.where(chance(rng, 0.08, count), 960 * rng.integers(1, 3, count), 0),
        "生态补偿金": homes.returned_tenths * 12 + homes.forest_tenths * 2,
        "最低生活保障金": per_household(people, dibao * rng.integers(3_000, 4_501, size)),
        "特困人员救助供养金": per_household(people, tekun * rng.integers(5_500, 7_001, size)),
        "其他转移性收入": np.where(chance(rng, 0.3, count), rng.integers(100, 1_501, count), 0),
    }
    transfer = sum(transfers.values(), np.zeros(count, dtype=np.int64))
    net = welfare + migrant + local + business + dividend + other_property + transfer - costs
    # Exited households were checked against the line, and households still poor or watched are rarely far below it;
    # a household short of its floor earned more locally than drawn.
    line = int(EXIT_LINES.get(year, EXIT_LINES[2020] * growth))
    floor = np.where(homes.exited, line, int(line * POOR_FLOOR_SHARE)) * people.sizes
    top_up = np.where(net < floor, floor - net + rng.integers(200, 2_001, count), 0)
    local, net = local + top_up, net + top_up
    columns = {
        "工资性收入": welfare + migrant + local,
        "公益性岗位收入": welfare,
        "其他工资性收入": migrant + local,
        "生产经营性收入": business,
        "财产性收入": dividend + other_property,
        "资产收益扶贫分红收入": dividend,
        "其他财产性收入（旧指标）": other_property,
        "转移性收入": transfer,
        **transfers,
        "生产经营性支出（合计）": costs,
        "专项用于减少生产经营性支出的补贴": np.where(chance(rng, 0.05, count), rng.integers(100, 801, count), 0),
        "产业奖励": np.where(chance(rng, 0.1, count), rng.integers(500, 3_001, count), 0),
        "就业奖励": np.where(chance(rng, 0.1, count), rng.integers(200, 1_001, count), 0),
        "纯收入（元）": net,
        "年收入（元）": net + costs,
        "当前家庭人口数": people.sizes,
        "年度家庭人口数": people.sizes,
    }
    text = {header: integers(np.asarray(values)) for header, values in columns.items()}
    text["人均纯收入（元）"] = decimals(per_capita_fen(net, people.sizes), 2)
    return text


def per_capita_fen(net: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """net ÷ size in fen, rounded half up (net is never negative here)."""
    return np.asarray((net * 200 + sizes) // (2 * sizes))
