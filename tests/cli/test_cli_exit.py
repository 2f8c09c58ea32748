"""`fupin population import` and `fupin sample draw|export|results`: the commands a county officer types."""

from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

from tests.cli.test_cli_assessment import fupin
from tests.factories.registry import family, write_csv


def test_population_import_writes_an_error_workbook_for_bad_rows(fresh_url: str, tmp_path: Path) -> None:
    upload = tmp_path / "人口.csv"
    upload.write_text("村代码,年度,农村人口\n520526100034,2020,1500\n520526100034,2020x,9\n", encoding="utf-8")
    code, output = fupin("population", "import", str(upload), "--database", fresh_url)
    assert code == 0, output
    assert "新增 1" in output
    assert "拒绝 1" in output
    rows = CalamineWorkbook.from_path(str(tmp_path / "人口.错误.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["520526100034", "2020x", "9"]


def test_sample_draw_export_and_results(fresh_url: str, tmp_path: Path) -> None:
    people = family("5205261000340001", 3) + family("5205261000340002", 2)
    code, output = fupin("import", str(write_csv(tmp_path / "people.csv", people)), "--database", fresh_url)
    assert code == 0, output
    code, output = fupin(
        "sample", "draw", "--county", "520526", "--seed", "4", "--margin", "0.3", "--database", fresh_url
    )
    assert code == 0, output
    assert "抽样 #1" in output
    assert "非建档立卡户" in output
    sheet = tmp_path / "调查表.xlsx"
    code, output = fupin("sample", "export", "--sample", "1", "--out", str(sheet), "--database", fresh_url)
    assert code == 0, output
    rows = [[str(c) for c in row] for row in CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()]
    header = rows[0]
    filled = tmp_path / "已填.xlsx"
    book = xlsxwriter.Workbook(str(filled))
    out = book.add_worksheet()
    out.write_row(0, 0, header)
    for r, row in enumerate(rows[1:], start=1):
        row[header.index("是否认可")] = "是" if r == 1 else "不知道"
        out.write_row(r, 0, row)
    book.close()
    code, output = fupin("sample", "results", str(filled), "--sample", "1", "--database", fresh_url)
    assert code == 0, output
    assert "保存 1" in output
    assert len(rows) == 3  # both households of the village: not registered, so both in the non-registered stratum
    assert "拒绝 1" in output
    assert (tmp_path / "已填.错误.xlsx").exists()
    code, output = fupin("sample", "export", "--sample", "9", "--database", fresh_url)
    assert code == 2
    assert "抽样 #9 不存在" in output
