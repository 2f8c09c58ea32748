"""Real Guizhou villages under the requested counties, with the names an export writes in its 省/市/县/乡/村 columns."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from fupin.divisions.loader import shipped_guizhou
from fupin.synth.render import Text

LEVEL_NAMES = ("省", "市", "县", "乡", "村")


@dataclass(frozen=True, slots=True)
class Villages:
    """Level-5 units in code order: code, county code, and the name of each level above and including the village."""

    code: np.ndarray  # 12-digit codes as text
    county: np.ndarray  # 6-digit county codes as integers
    names: dict[str, Text]  # 省/市/县/乡/村 → names, aligned with `code`

    def __len__(self) -> int:
        return len(self.code)


@cache
def division_table() -> pa.Table:
    """The shipped Guizhou division table (code, name, parent_code, level), read once."""
    types = {"code": pa.string(), "name": pa.string(), "parent_code": pa.string(), "level": pa.int8()}
    return pacsv.read_csv(shipped_guizhou(), convert_options=pacsv.ConvertOptions(column_types=types))


def county_names() -> dict[str, str]:
    """6-digit county code → name, for every county-level unit of the shipped table."""
    units = division_table()
    table = units.filter(pc.equal(units["level"], pa.scalar(3, pa.int8())))
    codes, names = table["code"].to_pylist(), table["name"].to_pylist()
    return {str(code)[:6]: str(name) for code, name in zip(codes, names, strict=True)}


def unknown_counties(counties: Sequence[str]) -> list[str]:
    known = county_names()
    return [code for code in counties if code not in known]


def villages_under(counties: Sequence[str]) -> Villages:
    """Every village of the counties whose full name path is unambiguous (so the importer can resolve it by name)."""
    missing = unknown_counties(counties)
    if missing:
        raise ValueError(f"未知的县级区划代码：{'、'.join(missing)}（须为贵州省的6位县级代码）")
    units = division_table()
    prefixes = pa.array([code[:6] for code in counties])
    villages = units.filter(
        pc.and_(
            pc.equal(units["level"], pa.scalar(5, pa.int8())),
            pc.is_in(pc.utf8_slice_codeunits(units["code"], 0, 6), prefixes),
        )
    )
    villages = _unambiguous(villages, units).sort_by("code")
    codes = villages["code"].to_numpy(zero_copy_only=False).astype("U12")
    return Villages(codes, codes.astype("U6").astype(np.int64), _name_path(villages["code"].combine_chunks(), units))


def _unambiguous(villages: pa.Table, units: pa.Table) -> pa.Table:
    """Drop villages that share their name with a sibling, and the villages of townships that do."""
    keys = ["parent_code", "name"]
    townships = units.filter(pc.equal(units["level"], pa.scalar(4, pa.int8())))
    clashing_townships = townships.join(_clashes(townships), keys=keys, join_type="left semi")["code"]
    kept = villages.join(_clashes(villages), keys=keys, join_type="left anti")
    return kept.filter(pc.invert(pc.is_in(kept["parent_code"], value_set=clashing_townships.combine_chunks())))


def _clashes(units: pa.Table) -> pa.Table:
    counts = units.group_by(["parent_code", "name"]).aggregate([("code", "count")])
    return counts.filter(pc.greater(counts["code_count"], pa.scalar(1, pa.int64()))).select(["parent_code", "name"])


def _name_path(codes: Text, units: pa.Table) -> dict[str, Text]:
    """The name of each village's ancestor at every level, looked up by code prefix."""
    by_code = dict(zip(units["code"].to_pylist(), units["name"].to_pylist(), strict=True))
    lookup = pa.array(list(by_code))
    names = pa.array(list(by_code.values()))
    lengths = (2, 4, 6, 9, 12)
    path = {}
    for level, length in zip(LEVEL_NAMES, lengths, strict=True):
        prefix = pc.utf8_slice_codeunits(codes, 0, length)
        ancestor = pc.utf8_rpad(prefix, width=12, padding="0")
        path[level] = names.take(pc.index_in(ancestor, value_set=lookup))
    return path
