"""Write synthetic tables as files people and the importer open: CSV (UTF-8 with BOM) or XLSX, every cell text."""

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from fupin.tabular.xlsx import write_text_workbook

BOM = b"\xef\xbb\xbf"  # lets Excel recognise UTF-8 instead of guessing the local code page


def write_csv(table: pa.Table, path: Path) -> Path:
    """Every value quoted; the BOM makes Excel read the Chinese headers correctly."""
    with path.open("wb") as handle:
        handle.write(BOM)
        pacsv.write_csv(table, handle, write_options=pacsv.WriteOptions(quoting_style="all_valid"))
    return path


def write_xlsx(table: pa.Table, path: Path, sheet_name: str) -> Path:
    """One sheet of text cells (IDs and phone numbers keep every digit), at most Excel's 1,048,575 rows."""
    return write_text_workbook(path, [(sheet_name, table)])
