"""Layouts as data: which header means which field, in the national exports and in fupin's own template."""

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from fupin.errors import FupinError, Location, Problem

LOCATION_LEVELS = ("province", "prefecture", "county", "township", "village")
_MARKS = re.compile(r"[\s*＊]|\(必填\)|\(选填\)")


def normalize_header(header: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKC", header)).lower()


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    target: str  # "member.x", "household.x", "income.x", "location.level" or "known.x"
    synonyms: tuple[str, ...] = ()
    optional: bool = False

    @property
    def scope(self) -> str:
        return self.target.split(".", 1)[0]

    @property
    def field(self) -> str:
        return self.target.split(".", 1)[1]

    def matches(self, normalized: str) -> bool:
        return normalized in {normalize_header(name) for name in (self.header, *self.synonyms)}


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    title: str
    kind: str  # "member" or "household"
    columns: tuple[Column, ...]
    required: frozenset[str] = field(default_factory=frozenset)

    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column_for(self, target: str) -> Column | None:
        return next((column for column in self.columns if column.target == target), None)


@dataclass(frozen=True, slots=True)
class Binding:
    """How the headers of one sheet map onto a layout: sheet column index → layout column."""

    layout: Layout
    by_index: dict[int, Column]

    def index_of(self, target: str) -> int | None:
        return next((index for index, column in self.by_index.items() if column.target == target), None)

    def has(self, target: str) -> bool:
        return self.index_of(target) is not None


REQUIRED_BY_KIND = {
    "member": frozenset({"member.household_number", "member.name", "member.id_number", "member.relation"}),
    "household": frozenset({"household.household_number"}),
}


def _load_toml(name: str) -> Layout:
    text = resources.files("fupin.tabular.layouts").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    columns = tuple(
        Column(spec["header"], spec["target"], tuple(spec.get("synonyms", ())), bool(spec.get("optional", False)))
        for spec in data["columns"]
    )
    return Layout(data["name"], data["title"], data["kind"], columns, REQUIRED_BY_KIND[data["kind"]])


@cache
def layouts() -> dict[str, Layout]:
    """Every layout fupin reads and writes, national ones from TOML, its own template from the field specs."""
    from fupin.registry.template import template_layouts

    found = {layout.name: layout for layout in (_load_toml("national_member"), _load_toml("national_household"))}
    found.update({layout.name: layout for layout in template_layouts()})
    return found


@cache
def _known_headers() -> frozenset[str]:
    return frozenset(
        normalize_header(name)
        for layout in layouts().values()
        for column in layout.columns
        for name in (column.header, *column.synonyms)
    )


def looks_like_header(cells: Sequence[str]) -> bool:
    known = _known_headers()
    return sum(1 for cell in cells if cell and normalize_header(cell) in known) >= 3


def bind(headers: Sequence[str], sheet: str, kind: str | None = None) -> Binding:
    """The layout that best explains a sheet's headers; an error naming the missing columns otherwise."""
    candidates = [layout for layout in layouts().values() if kind is None or layout.kind == kind]
    scored = sorted(((_match(layout, headers), layout) for layout in candidates), key=lambda pair: -len(pair[0]))
    for by_index, layout in scored:
        targets = {column.target for column in by_index.values()}
        if layout.required <= targets and _has_location(layout, targets):
            return Binding(layout, by_index)
    best_index, best = scored[0]
    missing = sorted(
        (best.column_for(target) or Column(target, target)).header
        for target in best.required - {column.target for column in best_index.values()}
    )
    if not missing:
        missing = ["村代码（或 省/市/县/乡/村 五列）"]
    raise FupinError(
        Problem(
            "header-incomplete",
            f"表头缺少必需的列：{'、'.join(missing)}",
            Location(sheet=sheet, row=None),
            expected=f"按「{best.title}」格式的表头",
        )
    )


def _match(layout: Layout, headers: Sequence[str]) -> dict[int, Column]:
    by_index: dict[int, Column] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        normalized = normalize_header(header)
        for column in layout.columns:
            if column.target not in used and column.matches(normalized):
                by_index[index] = column
                used.add(column.target)
                break
    return by_index


def _has_location(layout: Layout, targets: set[str]) -> bool:
    if "household.division_code" in targets:
        return True
    return all(f"location.{level}" in targets for level in LOCATION_LEVELS)
