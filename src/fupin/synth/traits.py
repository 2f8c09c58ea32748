"""What describes each member: schooling, health, labour, migrant work, party, phone, insurance, ethnicity.

Every trait is an integer array (an index into a code list, a count, or -1 for blank), drawn for all
members at once from distributions that depend on age, health and the household.
"""

from dataclasses import dataclass

import numpy as np

from fupin.registry import codelists
from fupin.synth.people import HEAD, SPOUSE, Population, ages_at
from fupin.synth.render import Rng, chance, pick, pick_by_group

CODES = codelists.load()
ETHNICITIES = CODES["ethnicity"].values
EDUCATION = CODES["education"].values
SCHOOL = CODES["school_status"].values
LABOUR = CODES["labour_skill"].values  # 普通, 技能, 弱或半, 丧失, 无
POLITICAL = CODES["political_status"].values  # 党员, 预备党员, 团员, 群众
DISABILITIES = CODES["disability_category"].values
DISABILITY_WEIGHTS = (0.12, 0.10, 0.04, 0.45, 0.12, 0.10, 0.07)
CHRONIC, SERIOUS, DISABLED = 1, 2, 4  # health is a bit set; see HEALTH_LABELS
HEALTH_LABELS = tuple(
    ",".join(name for bit, name in ((CHRONIC, "长期慢性病"), (SERIOUS, "患有大病"), (DISABLED, "残疾")) if mask & bit)
    or "健康"
    for mask in range(8)
)
CAPABLE = (0, 1, 2)  # labour indices of people who can work

COUNTY_ETHNICITIES: dict[int, dict[str, float]] = {
    520526: {"汉族": 0.74, "彝族": 0.09, "回族": 0.08, "苗族": 0.07, "布依族": 0.02},
    520525: {"汉族": 0.75, "苗族": 0.14, "彝族": 0.07, "布依族": 0.02, "白族": 0.02},
    520527: {"汉族": 0.71, "彝族": 0.17, "苗族": 0.10, "回族": 0.01, "白族": 0.01},
    522633: {"苗族": 0.40, "侗族": 0.40, "汉族": 0.13, "壮族": 0.03, "瑶族": 0.02, "水族": 0.02},
    522632: {"苗族": 0.40, "侗族": 0.30, "汉族": 0.18, "水族": 0.10, "瑶族": 0.02},
    522324: {"汉族": 0.55, "布依族": 0.30, "苗族": 0.13, "彝族": 0.02},
    522326: {"布依族": 0.65, "汉族": 0.20, "苗族": 0.12, "瑶族": 0.03},
    520627: {"土家族": 0.65, "汉族": 0.33, "苗族": 0.02},
    520425: {"汉族": 0.35, "苗族": 0.30, "布依族": 0.33, "仡佬族": 0.02},
}
GUIZHOU_ETHNICITIES = {
    "汉族": 0.62,
    "苗族": 0.12,
    "布依族": 0.09,
    "侗族": 0.05,
    "土家族": 0.05,
    "彝族": 0.03,
    "仡佬族": 0.02,
    "水族": 0.02,
}

# Education of people not in school, by age group: 15–17, 18–21, 22–39, 40–59, 60+.
EDUCATION_BY_AGE = (
    (0.0, 0.12, 0.88, 0.0, 0.0, 0.0),
    (0.02, 0.10, 0.55, 0.28, 0.05, 0.0),
    (0.03, 0.17, 0.50, 0.17, 0.08, 0.05),
    (0.12, 0.43, 0.35, 0.08, 0.015, 0.005),
    (0.45, 0.40, 0.11, 0.035, 0.005, 0.0),
)
# Labour skill by group: child or pupil, seriously ill or disabled, 16–59, 16–59 chronically ill, 60–69, 70+.
LABOUR_BY_GROUP = (
    (0.0, 0.0, 0.0, 0.0, 1.0),
    (0.10, 0.0, 0.35, 0.45, 0.10),
    (0.72, 0.12, 0.12, 0.03, 0.01),
    (0.45, 0.05, 0.40, 0.08, 0.02),
    (0.30, 0.02, 0.48, 0.10, 0.10),
    (0.03, 0.0, 0.22, 0.30, 0.45),
)
# Health risks by age group (<18, 18–44, 45–59, 60+): chronic illness, serious illness, disability.
HEALTH_RISKS = ((0.01, 0.005, 0.015), (0.04, 0.015, 0.035), (0.12, 0.03, 0.06), (0.28, 0.05, 0.09))
POLITICAL_BY_AGE = ((0.0, 0.0, 0.0, 1.0), (0.01, 0.002, 0.25, 0.738), (0.04, 0.002, 0.0, 0.958))
WORK_PLACES = (
    ("浙江省宁波市", "宁波", 0.12),
    ("浙江省温州市", "温州", 0.06),
    ("浙江省金华市", "金华", 0.06),
    ("浙江省杭州市", "杭州", 0.04),
    ("广东省东莞市", "东莞", 0.12),
    ("广东省深圳市", "深圳", 0.08),
    ("广东省佛山市", "佛山", 0.05),
    ("广东省广州市", "广州", 0.05),
    ("福建省厦门市", "厦门", 0.05),
    ("福建省泉州市", "泉州", 0.05),
    ("江苏省苏州市", "苏州", 0.05),
    ("上海市", "上海", 0.04),
    ("贵州省贵阳市", "贵阳", 0.12),
    ("贵州省遵义市", "遵义", 0.03),
    ("县内", "", 0.08),
)
IN_PROVINCE = 12  # WORK_PLACES from here on are in Guizhou
WELFARE_JOBS = ("生态护林员", "保洁员", "护路员", "水管员", "治安巡逻员", "村级服务员")
PHONE_PREFIXES = (
    130,
    131,
    132,
    133,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    155,
    157,
    158,
    159,
    173,
    177,
    180,
    182,
    183,
    185,
    186,
    187,
    188,
    189,
    198,
    199,
)


@dataclass(frozen=True, slots=True)
class Traits:
    age: np.ndarray
    ethnicity: np.ndarray
    education: np.ndarray  # -1 for pupils and small children
    school: np.ndarray  # -1 for everyone else
    health: np.ndarray  # bit set of CHRONIC, SERIOUS, DISABLED
    disability: np.ndarray
    disability_year: np.ndarray  # 0 when not disabled
    labour: np.ndarray
    work_place: np.ndarray  # -1 for people not working away
    work_months: np.ndarray  # 0 for people not working away
    welfare_job: np.ndarray
    welfare_months: np.ndarray
    industry: np.ndarray
    political: np.ndarray
    phone: np.ndarray  # 0 for no phone
    mandarin: np.ndarray

    @property
    def capable(self) -> np.ndarray:
        return np.isin(self.labour, CAPABLE)


def draw_traits(rng: Rng, people: Population, county: np.ndarray, year: int) -> Traits:
    """`county` is the 6-digit county code of each household."""
    age = ages_at(people.birth, np.datetime64(f"{year}-12-31"))
    school_age = ages_at(people.birth, np.datetime64(f"{year}-09-01"))
    ethnicity = _ethnicities(rng, people, county)
    education, school = _schooling(rng, school_age)
    health = _health(rng, age)
    disability, disability_year = _disabilities(rng, health, people.birth, year)
    labour = _labour(rng, age, health, school >= 0)
    place, months = _migrant_work(rng, age, labour, school >= 0)
    welfare, welfare_months = _welfare_jobs(rng, age, labour, months)
    industry = np.where(
        np.isin(labour, CAPABLE) & (months == 0) & (age >= 16), pick(rng, (0.45, 0.20, 0.35), age.size), -1
    )
    industry[industry == 2] = -1
    political = pick_by_group(rng, POLITICAL_BY_AGE, np.digitize(age, (14, 29)))
    phone = _phones(rng, age, people.role)
    mandarin = _mandarin(rng, age, ethnicity)
    return Traits(
        age,
        ethnicity,
        education,
        school,
        health,
        disability,
        disability_year,
        labour,
        place,
        months,
        welfare,
        welfare_months,
        industry,
        political,
        phone,
        mandarin,
    )


def _ethnicities(rng: Rng, people: Population, county: np.ndarray) -> np.ndarray:
    """The head's ethnicity by the county's mix; a spouse is of another ethnicity one time in five."""
    household = np.zeros(county.size, dtype=np.int64)
    for code in np.unique(county):
        mix = COUNTY_ETHNICITIES.get(int(code), GUIZHOU_ETHNICITIES)
        rows = np.flatnonzero(county == code)
        choice = pick(rng, tuple(mix.values()), rows.size)
        household[rows] = np.array([ETHNICITIES.index(name) for name in mix])[choice]
    ethnicity = household[people.household]
    spouse = people.role == SPOUSE
    other = spouse & chance(rng, 0.2, len(people))
    ethnicity[other] = np.roll(household, 1)[people.household[other]]  # the mix of a neighbouring household
    return np.asarray(ethnicity)


def _schooling(rng: Rng, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    draw, track = rng.random(age.size), rng.random(age.size)
    school = np.full(age.size, -1)
    school[age <= 5] = SCHOOL.index("学龄前儿童")
    school[(age >= 3) & (age <= 5) & (draw < 0.85)] = SCHOOL.index("学前教育")
    school[(age >= 6) & (age <= 11)] = SCHOOL.index("小学")
    junior = (age >= 12) & (age <= 14)
    school[junior] = SCHOOL.index("七年级") + age[junior] - 12
    senior = (age >= 15) & (age <= 17) & (draw < 0.82)
    school[senior] = (
        np.where(track[senior] < 0.6, SCHOOL.index("普通高中一年级"), SCHOOL.index("中职一年级")) + age[senior] - 15
    )
    college = (age >= 18) & (age <= 21) & (draw < 0.30)
    vocational = SCHOOL.index("高职高专一年级") + np.minimum(age[college] - 18, 2)
    school[college] = np.where(track[college] < 0.5, vocational, SCHOOL.index("本科一年级") + age[college] - 18)
    group = np.digitize(age, (18, 22, 40, 60))
    education = np.where(school >= 0, -1, pick_by_group(rng, EDUCATION_BY_AGE, group))
    return education, school


def _health(rng: Rng, age: np.ndarray) -> np.ndarray:
    risks = np.asarray(HEALTH_RISKS)[np.digitize(age, (18, 45, 60))]
    draws = rng.random((age.size, 3)) < risks
    return np.asarray(draws[:, 0] * CHRONIC + draws[:, 1] * SERIOUS + draws[:, 2] * DISABLED)


def _disabilities(rng: Rng, health: np.ndarray, birth: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    disabled = (health & DISABLED) > 0
    category = np.where(disabled, pick(rng, DISABILITY_WEIGHTS, health.size), -1)
    born = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    issued = np.maximum(born, year - rng.integers(0, 12, health.size))
    return category, np.where(disabled, issued, 0)


def _labour(rng: Rng, age: np.ndarray, health: np.ndarray, in_school: np.ndarray) -> np.ndarray:
    group = np.select(
        [(age < 16) | in_school, (health & (SERIOUS | DISABLED)) > 0, age >= 70, age >= 60, (health & CHRONIC) > 0],
        [0, 1, 5, 4, 3],
        default=2,
    )
    return pick_by_group(rng, LABOUR_BY_GROUP, group)


def _migrant_work(
    rng: Rng, age: np.ndarray, labour: np.ndarray, in_school: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    can_go = np.isin(labour, CAPABLE) & (age >= 16) & (age <= 64) & ~in_school
    likely = (labour <= 1) & (age >= 18) & (age <= 50)
    away = can_go & chance(rng, np.where(likely, 0.55, 0.15), age.size)
    months = np.clip(np.rint(rng.normal(9.5, 2.5, age.size)), 1, 12).astype(np.int64)
    place = pick(rng, [weight for *_, weight in WORK_PLACES], age.size)
    return np.where(away, place, -1), np.where(away, months, 0)


def _welfare_jobs(
    rng: Rng, age: np.ndarray, labour: np.ndarray, months_away: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    eligible = np.isin(labour, CAPABLE) & (months_away == 0) & (age >= 18) & (age <= 64)
    holds = eligible & chance(rng, 0.06, age.size)
    kind = rng.integers(0, len(WELFARE_JOBS), age.size)
    return np.where(holds, kind, -1), np.where(holds, rng.integers(6, 13, age.size), 0)


def _phones(rng: Rng, age: np.ndarray, role: np.ndarray) -> np.ndarray:
    has = (role == HEAD) | ((age >= 16) & (age <= 70) & chance(rng, 0.75, age.size))
    prefix = np.asarray(PHONE_PREFIXES)[rng.integers(0, len(PHONE_PREFIXES), age.size)]
    return np.where(has, prefix * 100_000_000 + rng.integers(0, 100_000_000, age.size), 0)


def _mandarin(rng: Rng, age: np.ndarray, ethnicity: np.ndarray) -> np.ndarray:
    han = ethnicity == ETHNICITIES.index("汉族")
    probability = np.where(age < 60, np.where(han, 0.97, 0.88), np.where(han, 0.65, 0.35))
    return np.asarray((age >= 3) & chance(rng, probability, age.size))
