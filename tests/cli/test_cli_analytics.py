"""`fupin analytics refresh`: rebuilds the figures under a prefix; a wrong code is refused in Chinese."""

from pathlib import Path

from sqlalchemy import text

from fupin.db import make_engine
from tests.cli.test_cli import fupin
from tests.factories.analytics import WEINING, synthetic


def villages(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT division_code, households FROM analytics_village"))
            return {str(code): int(n) for code, n in rows}
    finally:
        engine.dispose()


def test_refresh_rebuilds_the_figures_under_a_scope(fresh_url: str, tmp_path: Path) -> None:
    from fupin.synth.writer import write_csv as write_table

    households, members = synthetic(members=1_000)
    for table, name in ((households, "户信息"), (members, "人口信息")):
        code, output = fupin("import", str(write_table(table, tmp_path / f"{name}.csv")), "--database", fresh_url)
        assert code == 0, output
    imported = villages(fresh_url)
    assert imported
    engine = make_engine(fresh_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM analytics_village"))
    engine.dispose()
    code, output = fupin("analytics", "refresh", "--scope", WEINING + "000000", "--database", fresh_url)
    assert code == 0, output
    assert "重算" in output
    assert villages(fresh_url) == {k: v for k, v in imported.items() if k.startswith(WEINING)}
    assert fupin("analytics", "refresh", "--database", fresh_url)[0] == 0
    assert villages(fresh_url) == imported
    code, output = fupin("analytics", "refresh", "--scope", "52x", "--database", fresh_url)
    assert code != 0
    assert "区划代码须为2至12位数字" in output
