"""Small uploads checked set-wise in a DuckDB workspace: rural populations and survey results.

A `SheetSpec` names the columns (header, synonyms, required); `stage` reads the first sheet whose header row carries
the required columns into the workspace table `raw` (one text column per field, plus `_row`). Checks insert into the
workspace table `problems`; `rejected` gives the original cells of every row with a problem plus 错误原因, which
the error workbook writes so the fixed sheet can be imported again as it is.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from fupin.engine.duck import register, to_arrow
from fupin.errors import FupinError, Location, Problem
from fupin.tabular.layout import normalize_header
from fupin.tabular.read import ROW, Sheet, read_sheets
from fupin.tabular.workbook import REASON_HEADER, write_error_workbook


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = True

    def matches(self, header: str) -> bool:
        return normalize_header(header) in {normalize_header(name) for name in (self.header, *self.synonyms)}


@dataclass(frozen=True, slots=True)
class SheetSpec:
    title: str
    fields: tuple[Field, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()  # groups of keys of which one complete group must be present

    def headers(self) -> list[str]:
        return [field.header for field in self.fields]

    def looks_like_header(self, cells: Sequence[str]) -> bool:
        required = [field for field in self.fields if field.required]
        return all(any(field.matches(cell) for cell in cells) for field in required)


@dataclass(frozen=True, slots=True)
class Staged:
    sheet: Sheet
    present: frozenset[str]


def stage(duck: duckdb.DuckDBPyConnection, path: Path, spec: SheetSpec) -> Staged:
    """Read the file and create `raw` (trimmed text, blank → NULL) and an empty `problems` table."""
    try:
        sheet = read_sheets(path, spec.looks_like_header)[0]
    except FupinError:
        raise
    except Exception as error:  # a file the readers cannot parse at all: the uploader's problem, told in words
        message = f"文件「{path.name}」无法读取（可能已损坏或格式不对）"
        raise FupinError(
            Problem("file-unreadable", message, Location(field="file"), None, "CSV 或 XLSX 文件")
        ) from error
    by_key: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        for field in spec.fields:
            if field.key not in by_key and field.matches(header):
                by_key[field.key] = index
    _require_alternative(spec, by_key, sheet.name)
    register(duck, "upload", sheet.table)
    columns = ", ".join(
        f"nullif(trim(c{by_key[field.key]}), '') AS {field.key}"
        if field.key in by_key
        else f"NULL::VARCHAR AS {field.key}"
        for field in spec.fields
    )
    duck.execute(f"CREATE OR REPLACE TABLE raw AS SELECT {ROW}, {columns} FROM upload")
    duck.execute(
        "CREATE OR REPLACE TABLE problems (_row BIGINT, field VARCHAR, slug VARCHAR, message VARCHAR, "
        "value VARCHAR, expected VARCHAR)"
    )
    return Staged(sheet, frozenset(by_key))


def _require_alternative(spec: SheetSpec, found: dict[str, int], sheet: str) -> None:
    if not spec.alternatives or any(all(key in found for key in group) for group in spec.alternatives):
        return
    labels = {field.key: field.header for field in spec.fields}
    wanted = " 或 ".join("、".join(labels[key] for key in group) for group in spec.alternatives)
    raise FupinError(Problem("header-missing", "表头缺少定位列", Location(sheet=sheet), None, wanted))


def flag(duck: duckdb.DuckDBPyConnection, *, field: str, slug: str, message: str, expected: str, where: str) -> None:
    """Record a problem for every row of `checked` (raw plus derived columns) that matches `where`."""
    duck.execute(
        f"INSERT INTO problems SELECT {ROW}, ?, ?, ?, CAST({field} AS VARCHAR), ? FROM checked WHERE {where}",
        [field, slug, message, expected],
    )


def problems(duck: duckdb.DuckDBPyConnection, spec: SheetSpec, sheet: str) -> list[Problem]:
    labels = {field.key: field.header for field in spec.fields}
    rows = duck.execute("SELECT * FROM problems ORDER BY _row, field, slug").fetchall()
    return [
        Problem(slug, message, Location(sheet=sheet, row=int(row), field=labels.get(field, field)), value, expected)
        for row, field, slug, message, value, expected in rows
    ]


def rejected(duck: duckdb.DuckDBPyConnection, staged: Staged, found: list[Problem]) -> pa.Table:
    """The original cells of the rejected rows with their reasons: the shape write_error_workbook expects."""
    reasons: dict[int, list[str]] = {}
    for problem in found:
        reasons.setdefault(problem.location.row or 0, []).append(problem.text())
    width = len(staged.sheet.headers)
    cells = ", ".join(f"c{i}" for i in range(width))
    table = to_arrow(
        duck, f"SELECT {ROW}, {cells} FROM upload WHERE {ROW} IN (SELECT _row FROM problems) ORDER BY {ROW}"
    )
    notes = ["；".join(reasons.get(row or 0, [])) for row in table.column(ROW).to_pylist()]
    return table.append_column(REASON_HEADER, pa.array(notes, type=pa.string()))


def write_rejections(path: Path, staged: Staged, rows: pa.Table, found: list[Problem]) -> None:
    write_error_workbook(path, [(staged.sheet.name, staged.sheet.headers, rows, found)])
