"""Read CSV and XLSX files into Arrow tables of text, one per sheet, with the spreadsheet row number of each row."""

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook

from fupin.errors import FupinError, Location, Problem

ROW = "_row"
HEADER_SEARCH_ROWS = 30
SUPPORTED = (".csv", ".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: its name, the 1-based row of its header, the headers as written, and the text cells."""

    name: str
    header_row: int
    headers: list[str]
    table: pa.Table  # columns c0..cN (text, None for blank) and _row (spreadsheet row number)


HeaderTest = Callable[[Sequence[str]], bool]


def read_sheets(path: Path, looks_like_header: HeaderTest) -> list[Sheet]:
    """Every sheet of the file that has a recognisable header row."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise FupinError(Problem("file-type", f"不支持的文件类型「{path.suffix}」", expected="CSV 或 XLSX 文件"))
    if not path.exists():
        raise FupinError(Problem("file-missing", f"找不到文件 {path}"))
    if suffix == ".csv":
        return [_read_csv(path, looks_like_header)]
    return _read_workbook(path, looks_like_header)


def _find_header(rows: Sequence[Sequence[str]], looks_like_header: HeaderTest, sheet: str) -> int:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if looks_like_header([cell.strip() for cell in row]):
            return index
    raise FupinError(
        Problem(
            "header-missing",
            f"前{HEADER_SEARCH_ROWS}行中找不到可识别的表头",
            Location(sheet=sheet),
            expected="国家系统导出表头或本系统模板表头（fupin template）",
        )
    )


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a cut multi-byte sequence at the end is still UTF-8
            return "gb18030"
    return "utf-8"


def _read_csv(path: Path, looks_like_header: HeaderTest) -> Sheet:
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="", errors="replace") as handle:
        head = [row for _, row in zip(range(HEADER_SEARCH_ROWS), csv.reader(handle), strict=False)]
    header_index = _find_header(head, looks_like_header, path.name)
    headers = [cell.strip() for cell in head[header_index]]
    names = [f"c{i}" for i in range(len(headers))]
    ragged = _RaggedRows(len(headers))
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                skip_rows=header_index + 1,
                column_names=names,
                block_size=1 << 24,
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=ragged.record),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise FupinError(
            ragged.problem(path.name) or Problem("file-unreadable", f"CSV 文件无法解析：{error}")
        ) from error
    first = header_index + 2
    rows = pa.array(range(first, first + table.num_rows), type=pa.int64())
    return Sheet(path.name, header_index + 1, headers, table.append_column(ROW, rows))


class _RaggedRows:
    """Remembers the first row whose cell count differs from the header's; such a file is refused whole."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.found: tuple[int, str] | None = None

    def record(self, row: pacsv.InvalidRow) -> Literal["error"]:
        self.found = (row.actual_columns, row.text[:80])
        return "error"  # skipping would renumber every later row and lose this one silently

    def problem(self, sheet: str) -> Problem | None:
        if self.found is None:
            return None
        actual, text = self.found
        return Problem(
            "row-width",
            f"有一行的列数为{actual}，与表头的{self.expected}列不一致：{text}",
            Location(sheet=sheet),
            expected="每行列数与表头一致（含逗号的内容需用英文双引号括起）",
        )


def _read_workbook(path: Path, looks_like_header: HeaderTest) -> list[Sheet]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types per format
        raise FupinError(Problem("file-unreadable", f"Excel 文件无法打开：{error}")) from error
    sheets = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        text_head = [[cell_text(cell) or "" for cell in row] for row in rows[:HEADER_SEARCH_ROWS]]
        try:
            header_index = _find_header(text_head, looks_like_header, name)
        except FupinError:
            continue
        sheets.append(_sheet_from_rows(name, header_index, text_head[header_index], rows[header_index + 1 :]))
    if not sheets:
        raise FupinError(
            Problem("header-missing", "工作簿中没有可识别表头的工作表", expected="国家系统导出表头或本系统模板表头")
        )
    return sheets


def _sheet_from_rows(name: str, header_index: int, header: list[str], rows: Sequence[Sequence[object]]) -> Sheet:
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    columns = list(zip(*rows, strict=False)) if rows else [() for _ in range(width)]
    arrays: dict[str, pa.Array[Any]] = {
        f"c{i}": _text_array(columns[i] if i < len(columns) else (), len(rows)) for i in range(width)
    }
    first = header_index + 2
    arrays[ROW] = pa.array(range(first, first + len(rows)), type=pa.int64())
    return Sheet(name, header_index + 1, [cell.strip() for cell in header[:width]], pa.table(arrays))


def _text_array(column: Sequence[object], length: int) -> pa.StringArray:
    if len(column) < length:
        column = list(column) + [""] * (length - len(column))
    if all(type(cell) is str for cell in column):
        return pa.array(column, type=pa.string())
    return pa.array([cell if type(cell) is str else cell_text(cell) for cell in column], type=pa.string())


def cell_text(cell: object) -> str | None:
    """A spreadsheet cell as the text a person typed; numbers that Excel may have rounded keep their float look."""
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell)


def sniff_rows(text: str) -> list[list[str]]:
    """Parse a small CSV text (used by tests and template checks)."""
    return list(csv.reader(io.StringIO(text)))
