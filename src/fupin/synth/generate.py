"""`generate`: a synthetic registry in the national export layouts (人口信息 and 户信息), reproducible by seed.

Everything is drawn for all households and members at once with numpy, so ten million members take
seconds, not hours. Each part of the data draws from its own random stream, so the clean data of a seed
is the same whether or not dirty rows are asked for.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from fupin.synth.dirty import empty_manifest, make_dirty
from fupin.synth.households import FIRST_YEAR, Homes, draw_households
from fupin.synth.ids import assign_sequences, id_numbers
from fupin.synth.incomes import income_columns
from fupin.synth.members import family_surnames, member_columns
from fupin.synth.names import full_names, given_names, surnames
from fupin.synth.people import Population, draw_population, household_sizes
from fupin.synth.places import LEVEL_NAMES, Villages, villages_under
from fupin.synth.render import Rng, Text, chance, dates, integers, join, labels
from fupin.synth.traits import CODES, ETHNICITIES, Traits, draw_traits
from fupin.tabular.layout import layouts

# 威宁, 纳雍, 赫章, 从江, 榕江, 晴隆, 望谟, 沿河, 紫云: Guizhou's nine counties under listed supervision in 2020.
DEMO_COUNTIES = ("520526", "520525", "520527", "522633", "522632", "522324", "522326", "520627", "520425")
MAX_DIRTY_SHARE = 0.5
STREAMS = ("people", "traits", "households", "incomes", "members", "names", "faults")


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Tables of text whose columns are the national layouts' headers, and the manifest of dirty rows."""

    members: pa.Table
    households: pa.Table
    faults: pa.Table


@dataclass(frozen=True, slots=True)
class _Identity:
    """Per-household text the two sheets share."""

    number: Text
    location: dict[str, Text]
    village_code: Text
    phone: Text
    standard: Text
    head_name: Text
    head_id: Text


def generate(members: int, seed: int, counties: Sequence[str], year: int = 2020, dirty_share: float = 0.0) -> Synthetic:
    """`members` people in households of the given counties' real villages; `dirty_share` of them get one fault each."""
    _check(members, counties, year, dirty_share)
    rng = dict(
        zip(STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS))), strict=True)
    )
    villages = villages_under(counties)
    sizes = household_sizes(rng["people"], members)
    village_of = np.sort(rng["people"].integers(0, len(villages), sizes.size))
    people = draw_population(rng["people"], sizes, np.datetime64(f"{year}-12-31"))
    county = villages.county[village_of]
    sequence, birth = assign_sequences(county[people.household], people.birth, people.male)
    twin = people.twin & (birth == np.roll(birth, 1))  # a twin moved off its sibling's day is no twin any more
    people = dataclasses.replace(people, birth=birth, twin=twin)
    traits = draw_traits(rng["traits"], people, county, year)
    homes = draw_households(rng["households"], people, traits, year)
    dibao = homes.dibao[people.household] & ((people.position == 0) | chance(rng["members"], 0.9, members))
    tekun = homes.tekun[people.household]
    names = full_names(
        family_surnames(people, surnames(rng["names"], traits.ethnicity, ETHNICITIES)),
        given_names(rng["names"], people.male),
    )
    ids = id_numbers(county[people.household], birth, sequence)
    identity = _identity(villages, village_of, people, traits, homes, names, ids)
    member_table = _member_table(rng["members"], people, traits, identity, names, ids, dibao, tekun, year)
    household_table = _household_table(rng["incomes"], people, traits, homes, identity, dibao, tekun, year)
    faults = empty_manifest()
    dirty = round(members * dirty_share)
    if dirty:
        member_table, faults = make_dirty(rng["faults"], member_table, people, dirty)
    return Synthetic(member_table, household_table, faults)


def _check(members: int, counties: Sequence[str], year: int, dirty_share: float) -> None:
    if members < 1:
        raise ValueError("人口数须为正数")
    if not counties:
        raise ValueError("至少需要一个县")
    if not FIRST_YEAR <= year < date.today().year:
        raise ValueError(f"年度须在 {FIRST_YEAR} 至 {date.today().year - 1} 之间（已结束的年度）")
    if not 0 <= dirty_share <= MAX_DIRTY_SHARE:
        raise ValueError(f"脏数据比例须在 0 至 {MAX_DIRTY_SHARE} 之间")


def _identity(
    villages: Villages,
    village_of: np.ndarray,
    people: Population,
    traits: Traits,
    homes: Homes,
    names: Text,
    ids: Text,
) -> _Identity:
    """Household numbers are the village code and a sequence within the village: unique across the whole set."""
    sequence = np.arange(village_of.size) - np.searchsorted(village_of, village_of)
    width = max(4, len(str(int(sequence.max()) + 1)))
    code = pa.array(villages.code[village_of])
    heads = pa.array(people.heads)
    return _Identity(
        number=join(code, integers(sequence + 1, width)),
        location={level: villages.names[level].take(pa.array(village_of)) for level in LEVEL_NAMES},
        village_code=code,
        phone=integers(traits.phone[people.heads]),
        standard=labels(CODES["identification_standard"].values, homes.standard),
        head_name=names.take(heads),
        head_id=ids.take(heads),
    )


def _member_table(
    rng: Rng,
    people: Population,
    traits: Traits,
    identity: _Identity,
    names: Text,
    ids: Text,
    dibao: np.ndarray,
    tekun: np.ndarray,
    year: int,
) -> pa.Table:
    household = pa.array(people.household)
    number = identity.number.take(household)
    columns = {level: values.take(household) for level, values in identity.location.items()}
    columns |= {
        "村代码": identity.village_code.take(household),
        "户编号": number,
        "人口编号": join(number, integers(people.position + 1, 2)),
        "姓名": names,
        "性别": labels(("男", "女"), (~people.male).astype(np.int64)),
        "出生日期": dates(people.birth),
        "证件类型": labels(("居民身份证",), np.zeros(len(people), dtype=np.int64)),
        "证件号码": ids,
        "户联系电话": identity.phone.take(household),
        "年度": integers(np.full(len(people), year)),
        "户主姓名": identity.head_name.take(household),
        "户主证件号码": identity.head_id.take(household),
        "识别标准": identity.standard.take(household),
    }
    columns |= member_columns(rng, people, traits, dibao, tekun)
    return _in_layout_order("national_member", columns)


def _household_table(
    rng: Rng,
    people: Population,
    traits: Traits,
    homes: Homes,
    identity: _Identity,
    dibao: np.ndarray,
    tekun: np.ndarray,
    year: int,
) -> pa.Table:
    count = people.sizes.size
    columns = dict(identity.location)
    columns |= {
        "村代码": identity.village_code,
        "自然村": join(integers(rng.integers(1, 13, count)), "组"),
        "户编号": identity.number,
        "户主姓名": identity.head_name,
        "户主证件号码": identity.head_id,
        "年度": integers(np.full(count, year)),
        "户联系电话": identity.phone,
        "识别标准": identity.standard,
    }
    columns |= homes.columns
    columns |= income_columns(rng, people, traits, homes, dibao, tekun, year)
    return _in_layout_order("national_household", columns)


def _in_layout_order(layout: str, columns: dict[str, Text]) -> pa.Table:
    headers = layouts()[layout].headers()
    return pa.table({header: columns[header] for header in headers})
