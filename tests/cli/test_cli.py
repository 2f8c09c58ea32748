"""The commands a county officer types: import, export, template, history, divisions, db."""

from pathlib import Path

from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from fupin.cli.main import app
from tests.factories.registry import family, write_csv

runner = CliRunner()


def fupin(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_import_then_reimport_then_export_and_history(fresh_url: str, tmp_path: Path) -> None:
    people = family("5205261000340001", 3) + family("5205261000340002", 2)
    source = write_csv(tmp_path / "人口.csv", people)
    code, output = fupin("import", source, "--database", fresh_url)
    assert code == 0, output
    assert "5" in output
    assert "新增" in output
    code, output = fupin("import", source, "--database", fresh_url)
    assert code == 0
    assert "未变" in output
    exported = tmp_path / "导出.xlsx"
    code, output = fupin("export", exported, "--scope", "520526", "--database", fresh_url)
    assert code == 0
    assert "已导出 5 行" in output
    code, output = fupin("history", people[0].id_number or "", "--database", fresh_url)
    assert code == 0
    assert "5205261000340001" in output
    assert "新增" in output


def test_rejected_rows_produce_an_error_workbook(fresh_url: str, tmp_path: Path) -> None:
    people = family("5205261000340001", 2)
    people[1].extra = {"证件号码": "5.20526E+17"}
    source = write_csv(tmp_path / "人口.csv", people)
    errors = tmp_path / "错误.xlsx"
    code, output = fupin("import", source, "--errors", errors, "--database", fresh_url)
    assert code == 0
    assert "有 1 行未导入" in output
    rows = CalamineWorkbook.from_path(str(errors)).get_sheet_by_name("人口.csv").to_python()
    assert rows[0][-1] == "错误原因"
    assert "科学计数法" in rows[1][-1]


def test_dry_run_and_wrong_input_give_chinese_messages(fresh_url: str, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "人口.csv", family("5205261000340001", 2))
    code, output = fupin("import", source, "--dry-run", "--database", fresh_url)
    assert code == 0
    assert "试运行" in output
    code, output = fupin("history", "5205261000340001", "--database", fresh_url)
    assert code == 2
    assert "找不到" in output
    code, output = fupin("import", tmp_path / "无此文件.csv", "--database", fresh_url)
    assert code == 2
    assert "找不到文件" in output
    (tmp_path / "a.txt").write_text("x")
    code, output = fupin("import", tmp_path / "a.txt", "--database", fresh_url)
    assert code == 2
    assert "不支持的文件类型" in output
    code, output = fupin("export", tmp_path / "x.csv", "--layout", "other", "--database", fresh_url)
    assert code == 2
    assert "不支持的导出格式" in output


def test_template_is_a_workbook_with_the_template_headers(tmp_path: Path) -> None:
    target = tmp_path / "模板.xlsx"
    code, _ = fupin("template", target)
    assert code == 0
    assert target.exists()
    names = CalamineWorkbook.from_path(str(target)).sheet_names
    assert len(names) >= 2


def test_divisions_commands(fresh_url: str, tmp_path: Path) -> None:
    code, output = fupin("divisions", "show", "520526100034", "--database", fresh_url)
    assert code == 0
    assert "贵州省" in output
    assert "威宁" in output
    code, output = fupin("divisions", "find", "草海", "--under", "5205", "--database", fresh_url)
    assert code == 0
    assert "520526100000" in output
    code, output = fupin("divisions", "children", "520500000000", "--database", fresh_url)
    assert code == 0
    assert "520526000000" in output
    code, output = fupin("divisions", "show", "999999999999", "--database", fresh_url)
    assert code == 2
    assert "不存在" in output
    bad = tmp_path / "d.csv"
    bad.write_text("code,name,parent_code,level\n520526100990,新村,520526100000,5\n5205,短,520526100000,5\n")
    errors = tmp_path / "区划错误.xlsx"
    code, output = fupin("divisions", "import", bad, "--errors", errors, "--database", fresh_url)
    assert code == 0
    assert "有 1 行未导入" in output
    rows = CalamineWorkbook.from_path(str(errors)).get_sheet_by_name("区划代码").to_python()
    assert rows[1][0] == "5205"
    assert "12位" in rows[1][-1]
    code, output = fupin("divisions", "import", "--database", fresh_url)
    assert code == 0
    assert "19,572" in output


def test_db_upgrade_is_idempotent(fresh_url: str) -> None:
    code, output = fupin("db", "upgrade", "--database", fresh_url)
    assert code == 0
    assert "已升级" in output
    code, output = fupin("db", "current", "--database", fresh_url)
    assert code == 0
    assert output.strip()
