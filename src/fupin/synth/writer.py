"""Write synthetic tables as files people and the importer open: CSV (UTF-8 with BOM) or XLSX, every cell text."""

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter

from fupin.tabular.workbook import MAX_ROWS

BATCH_ROWS = 50_000
BOM = b"\xef\xbb\xbf"  # lets Excel recognise UTF-8 instead of guessing the local code page


def write_csv(table: pa.Table, path: Path) -> Path:
    """Every value quoted; the BOM makes Excel read the Chinese headers correctly."""
    with path.open("wb") as handle:
        handle.write(BOM)
        pacsv.write_csv(table, handle, write_options=pacsv.WriteOptions(quoting_style="all_valid"))
    return path


def write_xlsx(table: pa.Table, path: Path, sheet_name: str) -> Path:
    """One sheet of text cells (so IDs and phone numbers keep every digit), streamed row by row."""
    if table.num_rows > MAX_ROWS:
        raise ValueError(f"「{sheet_name}」有 {table.num_rows:,} 行，超过 Excel 的 {MAX_ROWS:,} 行上限，请改用 CSV")
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet(sheet_name[:31])
    sheet.set_column(0, table.num_columns - 1, 14)
    sheet.write_row(0, 0, table.column_names)
    write = sheet.write_string  # skips write()'s type dispatch; blank cells are simply not written
    row = 1
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):  # bounded memory: Python strings for one batch only
        for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
            for column, value in enumerate(values):
                if value:
                    write(row, column, value)
            row += 1
    sheet.freeze_panes(1, 0)
    workbook.close()
    return path
