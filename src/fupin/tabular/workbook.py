"""Workbooks people open in Excel: every cell written as text where digits matter, headers frozen."""

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import xlsxwriter

from fupin.errors import Problem

REASON_HEADER = "错误原因"
MAX_ROWS = 1_048_575


def write_error_workbook(path: Path, sheets: Sequence[tuple[str, list[str], pa.Table, list[Problem]]]) -> None:
    """Rejected rows with their original columns plus 错误原因 (re-importable as is), and a sheet of every problem."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for name, headers, rows, _ in sheets:
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, [*headers, REASON_HEADER], bold)
        sheet.set_column(0, len(headers) - 1, 14, text)
        sheet.set_column(len(headers), len(headers), 80)
        columns = [rows.column(index).to_pylist() for index in range(1, rows.num_columns)]
        for row_index, values in enumerate(zip(*columns, strict=True), start=1):
            for column_index, value in enumerate(values):
                if value not in (None, ""):
                    sheet.write_string(row_index, column_index, str(value))
        sheet.freeze_panes(1, 0)
    _write_details(workbook, bold, [problem for *_, problems in sheets for problem in problems])
    workbook.close()


def _write_details(workbook: xlsxwriter.Workbook, bold: object, problems: Iterable[Problem]) -> None:
    sheet = workbook.add_worksheet("错误明细")
    sheet.write_row(0, 0, ["工作表", "行号", "列", "填写值", "错误代码", "错误说明", "应为"], bold)
    for index, problem in enumerate(problems, start=1):
        location = problem.location
        sheet.write_row(
            index,
            0,
            [
                location.sheet or "",
                location.row or "",
                location.field or "",
                problem.value or "",
                problem.slug,
                problem.message,
                problem.expected or "",
            ],
        )
    sheet.set_column(0, 3, 16)
    sheet.set_column(5, 6, 50)
