"""`fupin standards` and `fupin assess` as an officer types them."""

from pathlib import Path

from typer.testing import CliRunner

from fupin.cli.main import app
from tests.factories.registry import family, write_csv

runner = CliRunner()


def fupin(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_load_show_and_assess_a_county(fresh_url: str, tmp_path: Path) -> None:
    people = family("5205261000340001", 3) + family("5205261000340002", 2)
    code, output = fupin("import", write_csv(tmp_path / "人口.csv", people), "--database", fresh_url)
    assert code == 0, output
    code, output = fupin("assess", "--year", "2020", "--scope", "520526", "--database", fresh_url)
    assert code == 2
    assert "尚未载入评估标准" in output
    code, output = fupin("standards", "load", "--database", fresh_url)
    assert code == 0, output
    assert "第 1 版" in output
    code, output = fupin("standards", "show", "--database", fresh_url)
    assert code == 0
    assert "义务教育有保障" in output
    code, output = fupin("assess", "--year", "2020", "--scope", "520526", "--database", fresh_url)
    assert code == 0, output
    assert "2020年评估" in output
    assert "评估 2 户" in output
    code, output = fupin("assess", "--year", "2020", "--scope", "5205", "--database", fresh_url)
    assert code == 0, output
    code, output = fupin("assess", "--year", "2020", "--scope", "52x", "--database", fresh_url)
    assert code == 2
    assert "「--scope」" in output


def test_a_broken_standard_file_is_refused_with_its_problems(fresh_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "标准.toml"
    bad.write_text('name = "试"\n[[indicator]]\ncode = "x"\nname = "x"\ndimension = "x"\nrule = "age > 1"\n', "utf-8")
    code, output = fupin("standards", "load", bad, "--database", fresh_url)
    assert code == 2
    assert "weight" in output
    assert "没有名为「age」的字段" in output
