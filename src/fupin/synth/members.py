"""The member sheet's own columns (everything but location, identity and the household's shared values)."""

import numpy as np

from fupin.synth.people import CHILD, GRANDCHILD, HEAD, PARENT, SIBLING, SPOUSE, Population
from fupin.synth.render import Rng, Text, blank_where, chance, integers, join, labels, yes_no
from fupin.synth.traits import (
    DISABILITIES,
    EDUCATION,
    ETHNICITIES,
    HEALTH_LABELS,
    IN_PROVINCE,
    LABOUR,
    POLITICAL,
    SCHOOL,
    SERIOUS,
    WELFARE_JOBS,
    WORK_PLACES,
    Traits,
)

# Relation to the head by role (people.HEAD …) and sex: (male, female).
RELATIONS = (
    ("户主", "户主"),
    ("配偶", "配偶"),
    ("之子", "之女"),
    ("之女婿", "之儿媳"),
    ("之孙子", "之孙女"),
    ("之父", "之母"),
    ("之兄弟姐妹", "之兄弟姐妹"),
)
EMPLOYER_BRANDS = ("鑫达", "华盛", "永兴", "宏发", "恒通", "金源", "瑞丰", "德信", "众诚", "新星")
EMPLOYER_TRADES = ("电子", "鞋业", "服装", "建筑工程", "机械", "塑胶", "物流", "食品", "家具", "五金")
CHANNELS = ("省外务工", "省内务工", "县内务工", "公益性岗位")


def relation_labels(people: Population) -> Text:
    flat = tuple(label for pair in RELATIONS for label in pair)
    return labels(flat, people.role * 2 + (~people.male).astype(np.int64))


def family_surnames(people: Population, own: np.ndarray) -> np.ndarray:
    """Children and grandchildren carry the father's line (the head's, or a male spouse's); the head's father and
    siblings carry the head's surname; spouses, mothers and in-laws keep their own."""
    head = own[people.heads]
    spouse = np.full(people.sizes.size, -1)
    spouses = np.flatnonzero(people.role == SPOUSE)
    spouse[people.household[spouses]] = own[spouses]
    head_male = people.male[people.heads]
    line = np.where(head_male | (spouse < 0), head, spouse)
    surname = own.copy()
    descendants = np.isin(people.role, (CHILD, GRANDCHILD))
    surname[descendants] = line[people.household[descendants]]
    kin = (people.role == SIBLING) | ((people.role == PARENT) & people.male) | (people.role == HEAD)
    surname[kin] = head[people.household[kin]]
    return surname


def member_columns(
    rng: Rng, people: Population, traits: Traits, dibao: np.ndarray, tekun: np.ndarray
) -> dict[str, Text]:
    size = len(people)
    adult = traits.age >= 16
    columns = {
        "民族": labels(ETHNICITIES, traits.ethnicity),
        "与户主关系": relation_labels(people),
        "文化程度": labels(EDUCATION, traits.education),
        "在校生状况": labels(SCHOOL, traits.school),
        "劳动技能": labels(LABOUR, traits.labour),
        "健康状况": labels(HEALTH_LABELS, traits.health),
        "政治面貌": labels(POLITICAL, traits.political),
        "残疾类别": labels(DISABILITIES, traits.disability),
        "残疾证办证年度": _blank_zero(traits.disability_year),
        "成员联系电话": _blank_zero(traits.phone),
        "是否享受低保": yes_no(dibao),
        "是否特困供养人员": yes_no(tekun),
        "是否会讲普通话": yes_no(traits.mandarin),
        "失学或辍学原因": labels((), np.full(size, -1)),
        "产业分类": labels(("种植业", "养殖业"), traits.industry),
    }
    columns.update(_work(rng, traits))
    columns.update(_insurance(rng, traits, adult))
    return columns


def _work(rng: Rng, traits: Traits) -> dict[str, Text]:
    away = traits.work_place >= 0
    size = away.size
    named = away & chance(rng, 0.6, size)
    city = labels(tuple(city for _, city, _ in WORK_PLACES), np.where(named, traits.work_place, -1))
    brand = labels(EMPLOYER_BRANDS, np.where(named, rng.integers(0, len(EMPLOYER_BRANDS), size), -1))
    trade = labels(EMPLOYER_TRADES, np.where(named, rng.integers(0, len(EMPLOYER_TRADES), size), -1))
    company = labels(("有限公司",), np.where(named, 0, -1))
    county = len(WORK_PLACES) - 1
    channel = np.select(
        [away & (traits.work_place < IN_PROVINCE), away & (traits.work_place < county), away, traits.welfare_job >= 0],
        [0, 1, 2, 3],
        default=-1,
    )
    return {
        "务工所在地": labels(tuple(place for place, _, _ in WORK_PLACES), traits.work_place),
        "务工时间（月）": _blank_zero(traits.work_months),
        "务工企业名称": join(city, brand, trade, company),
        "是否国外务工": yes_no(np.zeros(size, dtype=bool), blank=traits.age < 16),
        "就业渠道": labels(CHANNELS, channel),
        "公益性岗位类型": labels(WELFARE_JOBS, traits.welfare_job),
        "公益性岗位(月数)": _blank_zero(traits.welfare_months),
    }


def _insurance(rng: Rng, traits: Traits, adult: np.ndarray) -> dict[str, Text]:
    size = adult.size
    medical = chance(rng, 0.995, size)
    employee = (traits.work_months > 0) & chance(rng, 0.05, size)
    ill = traits.health > 0
    return {
        "是否参加新型农村合作医疗（城乡居民基本医疗保险）": yes_no(medical),
        "是否参加大病保险": yes_no(medical & chance(rng, 0.99, size)),
        "是否参加城乡居民基本养老保险": yes_no(adult & (traits.school < 0) & ~employee & chance(rng, 0.92, size)),
        "是否参加城镇职工基本养老保险": yes_no(employee),
        "是否参加城镇职工基本医疗保险": yes_no(employee),
        "是否参加商业补充医疗保险": yes_no(chance(rng, 0.35, size)),
        "是否接受大病医疗救助": yes_no(((traits.health & SERIOUS) > 0) & chance(rng, 0.6, size)),
        "是否接受其他健康扶贫": yes_no(ill & chance(rng, 0.5, size)),
    }


def _blank_zero(values: np.ndarray) -> Text:
    return blank_where(values == 0, integers(values))
