"""Dirty member rows: each carries exactly one known fault that the importer rejects that row (and only that row) for.

Heads are never touched, and spouses never get a fault in sex or relation, so household rules (one head, a spouse
of the other sex) keep holding for the other rows. Broken ID numbers stay unique, so no fault adds a duplicate by
accident; the duplicate-id fault gives the second of two twins (same sex, same birth date) the first one's number,
so only the repetition is wrong and only the later row is rejected.
The manifest says, per dirty row, which cell was changed, the slug the importer gives it, and the value that fixes it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.registry.idnumber import CHECK_CHARS
from fupin.synth.people import HEAD, SPOUSE, Population
from fupin.synth.render import Rng, Text, dates, integers, join, labels

ID = "证件号码"
FAULT_SCHEMA = pa.schema(
    [pa.field("row", pa.int64())]
    + [pa.field(name, pa.string()) for name in ("户编号", "field", "slug", "bad_value", "good_value")]
)
BLANK = pa.scalar("")
FIRST_DATA_ROW = 2  # the header is row 1 of the member file, as the importer counts rows
LOOKALIKE_LETTERS = "OIZEASGTBQ"  # a letter typed for each digit 0–9; one-to-one, so broken numbers stay distinct

Eligible = Callable[[pa.Table, Population], np.ndarray]
Corrupt = Callable[[Text, np.ndarray, pa.Table, Rng], Text]


@dataclass(frozen=True, slots=True)
class Fault:
    slug: str
    header: str
    corrupt: Corrupt  # good values of the chosen rows → bad values
    eligible: Eligible | None = None  # rows that can carry the fault, besides never a head


def _anyone(table: pa.Table, people: Population) -> np.ndarray:
    return np.ones(table.num_rows, dtype=bool)


def _filled(header: str) -> Eligible:
    return lambda table, _people: _flags(pc.not_equal(table[header], BLANK))


def _empty(*headers: str) -> Eligible:
    def eligible(table: pa.Table, people: Population) -> np.ndarray:
        return np.asarray(np.logical_and.reduce([_flags(pc.equal(table[header], BLANK)) for header in headers]))

    return eligible


def _flags(mask: "pa.ChunkedArray[Any] | pa.Array[Any]") -> np.ndarray:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _not_spouse(table: pa.Table, people: Population) -> np.ndarray:
    return np.asarray(people.role != SPOUSE)


def _twin(table: pa.Table, people: Population) -> np.ndarray:
    return people.twin


def _value(text: str) -> Corrupt:
    return lambda good, _rows, _table, _rng: pa.repeat(pa.scalar(text), len(good))


def _one_of(*texts: str) -> Corrupt:
    return lambda good, _rows, _table, rng: labels(texts, rng.integers(0, len(texts), len(good)))


def _slice(good: Text, start: int, stop: int) -> Text:
    return pc.utf8_slice_codeunits(good, start, stop)


def _wrong_check(good: Text, _rows: np.ndarray, _table: pa.Table, rng: Rng) -> Text:
    right = pc.index_in(_slice(good, 17, 18), value_set=pa.array(list(CHECK_CHARS))).to_numpy()
    wrong = (right + rng.integers(1, len(CHECK_CHARS), len(good))) % len(CHECK_CHARS)
    return join(_slice(good, 0, 17), labels(tuple(CHECK_CHARS), wrong))


def _scientific(good: Text, *_: object) -> Text:
    """How Excel shows an 18-digit number typed into a General cell (all 17 body digits kept, so still unique)."""
    return join(_slice(good, 0, 1), ".", _slice(good, 1, 17), "E+17")


def _impossible_month(good: Text, *_: object) -> Text:
    month = pc.cast(_slice(good, 10, 12), pa.int64()).to_numpy()
    return join(_slice(good, 0, 10), integers(month + 20), _slice(good, 12, 18))


def _letter_for_digit(good: Text, *_: object) -> Text:
    digit = pc.cast(_slice(good, 14, 15), pa.int64()).to_numpy()
    return join(_slice(good, 0, 14), labels(tuple(LOOKALIKE_LETTERS), digit), _slice(good, 15, 18))


def _truncated(good: Text, *_: object) -> Text:
    return _slice(good, 0, 17)


def _twin_number(good: Text, rows: np.ndarray, table: pa.Table, _rng: Rng) -> Text:
    """The number of the twin just above: same county, birth date and sex, so only the repetition is wrong."""
    return table[ID].take(pa.array(rows - 1)).combine_chunks()


def _other_sex(good: Text, *_: object) -> Text:
    other: Text = pc.if_else(pc.equal(good, pa.scalar("男")), "女", "男")
    return other


def _earlier_birth(good: Text, *_: object) -> Text:
    born = pc.cast(pc.strptime(good, format="%Y-%m-%d", unit="s"), pa.date32()).to_numpy(zero_copy_only=False)
    return dates(born - np.timedelta64(400, "D"))


def _short_phone(good: Text, *_: object) -> Text:
    return _slice(pc.if_else(pc.equal(good, BLANK), "13800000000", good), 0, 10)


# The most constrained faults come first, so rows they need are still free when they choose.
FAULTS: tuple[Fault, ...] = (
    Fault("duplicate-id", ID, _twin_number, _twin),
    Fault("education-and-school", "文化程度", _value("小学"), _filled("在校生状况")),
    Fault("education-and-school", "在校生状况", _value("小学"), _filled("文化程度")),
    Fault("education-or-school-missing", "文化程度", _value(""), _filled("文化程度")),
    Fault("education-or-school-missing", "在校生状况", _value(""), _filled("在校生状况")),
    Fault("work-place-months", "务工所在地", _value(""), _filled("务工所在地")),
    Fault("work-place-months", "务工所在地", _value("浙江省宁波市"), _empty("务工所在地", "务工时间（月）")),
    Fault("sex-mismatch", "性别", _other_sex, _not_spouse),
    Fault("bad-code", "与户主关系", _one_of("儿子", "女儿", "孙子", "亲戚"), _not_spouse),
    Fault("id-checksum", ID, _wrong_check),
    Fault("id-numeric", ID, _scientific),
    Fault("id-birth-date", ID, _impossible_month),
    Fault("id-length", ID, _truncated),
    Fault("id-format", ID, _letter_for_digit),
    Fault("bad-code", "健康状况", _one_of("良好", "一般", "较差")),
    Fault("out-of-range", "务工时间（月）", _value("13")),
    Fault("required", "姓名", _value("")),
    Fault("birth-mismatch", "出生日期", _earlier_birth),
    Fault("bad-phone", "成员联系电话", _short_phone),
    Fault("bad-bool", "是否享受低保", _one_of("有", "无", "Y")),
)


def empty_manifest() -> pa.Table:
    return FAULT_SCHEMA.empty_table()


def make_dirty(rng: Rng, members: pa.Table, people: Population, count: int) -> tuple[pa.Table, pa.Table]:
    """`members` with `count` rows broken, and the manifest of those rows (sorted by row)."""
    chosen = _choose(rng, members, people, count)
    parts = []
    for fault, rows in chosen:
        good = members[fault.header].take(pa.array(rows)).combine_chunks()
        bad = fault.corrupt(good, rows, members, rng)
        parts.append((fault, rows, good, bad))
    manifest = _manifest(members, parts)
    return _apply(members, parts), manifest


def _choose(rng: Rng, members: pa.Table, people: Population, count: int) -> list[tuple[Fault, np.ndarray]]:
    free = people.role != HEAD
    free[np.flatnonzero(people.twin) - 1] = False  # a twin's original keeps its number, or no duplicate remains
    quotas = count // len(FAULTS) + (rng.permutation(len(FAULTS)) < count % len(FAULTS))
    chosen, short = [], 0
    for fault, quota in zip(FAULTS, quotas, strict=True):
        eligible = (fault.eligible or _anyone)(members, people)
        candidates = np.flatnonzero(free & eligible)
        wanted = int(quota) + short
        rows = np.sort(rng.choice(candidates, min(wanted, candidates.size), replace=False))
        short = wanted - rows.size
        free[rows] = False
        chosen.append((fault, rows))
    if short:
        raise ValueError(f"脏数据比例过高：还有 {short} 行找不到可出错的成员（户主不会被改动），请降低比例")
    return chosen


def _apply(members: pa.Table, parts: list[tuple[Fault, np.ndarray, Text, Text]]) -> pa.Table:
    for header in dict.fromkeys(fault.header for fault, *_ in parts):
        mine = [(rows, bad) for fault, rows, _, bad in parts if fault.header == header and rows.size]
        if not mine:
            continue
        rows = np.concatenate([rows for rows, _ in mine])
        bad = pa.concat_arrays([bad for _, bad in mine]).take(np.argsort(rows))
        mask = np.zeros(members.num_rows, dtype=bool)
        mask[rows] = True
        column = pc.replace_with_mask(members[header].combine_chunks(), pa.array(mask), bad)
        members = members.set_column(members.schema.get_field_index(header), header, column)
    return members


def _manifest(members: pa.Table, parts: list[tuple[Fault, np.ndarray, Text, Text]]) -> pa.Table:
    if not parts:
        return empty_manifest()
    tables = [
        pa.table(
            {
                "row": pa.array(rows + FIRST_DATA_ROW, type=pa.int64()),
                "户编号": members["户编号"].take(pa.array(rows)),
                "field": pa.repeat(pa.scalar(fault.header), rows.size),
                "slug": pa.repeat(pa.scalar(fault.slug), rows.size),
                "bad_value": bad,
                "good_value": good,
            },
            schema=FAULT_SCHEMA,
        )
        for fault, rows, good, bad in parts
    ]
    return pa.concat_tables(tables).sort_by("row").combine_chunks()
