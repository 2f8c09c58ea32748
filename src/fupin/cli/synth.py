"""`fupin synth`: a synthetic registry written to files, or imported straight into the configured database."""

import tempfile
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from fupin import migrate
from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.config import Settings
from fupin.db import unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.registry.importer import SheetResult, import_file
from fupin.synth import DEMO_COUNTIES, Synthetic, generate
from fupin.synth.generate import MAX_DIRTY_SHARE
from fupin.synth.households import FIRST_YEAR
from fupin.synth.places import county_names, unknown_counties
from fupin.synth.writer import write_csv, write_xlsx
from fupin.tabular.workbook import MAX_ROWS

MIN_MEMBERS, MAX_MEMBERS = 1_000, 10_000_000
MEMBERS_FILE, HOUSEHOLDS_FILE, FAULTS_FILE = "人口信息", "户信息", "错误清单"


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _members(value: int) -> int:
    if not MIN_MEMBERS <= value <= MAX_MEMBERS:
        raise typer.BadParameter(f"人口数须在 {MIN_MEMBERS:,} 至 {MAX_MEMBERS:,} 之间（收到 {value:,}）")
    return value


def _counties(value: str) -> str:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise typer.BadParameter("至少填写一个6位县级区划代码")
    malformed = [code for code in codes if not (len(code) == 6 and code.isdigit())]
    if malformed:
        raise typer.BadParameter(f"县级区划代码须为6位数字：{'、'.join(malformed)}")
    unknown = unknown_counties(codes)
    if unknown:
        raise typer.BadParameter(f"未知的县级区划代码：{'、'.join(unknown)}（区划表中没有这些贵州省的县）")
    return ",".join(codes)


def _year(value: int) -> int:
    last = date.today().year - 1
    if not FIRST_YEAR <= value <= last:
        raise typer.BadParameter(f"年度须在 {FIRST_YEAR} 至 {last} 之间（已结束的年度）")
    return value


def _dirty(value: float) -> float:
    if not 0 <= value <= MAX_DIRTY_SHARE:
        raise typer.BadParameter(f"脏数据比例须在 0 至 {MAX_DIRTY_SHARE} 之间（收到 {value}）")
    return value


def synth(
    members: Annotated[int, typer.Option(help="合成人口数（1,000 至 10,000,000）", callback=_members)] = 100_000,
    seed: Annotated[int, typer.Option(help="随机种子（相同参数和种子生成完全相同的数据）")] = 2020,
    counties: Annotated[
        str, typer.Option(help="县级区划代码，逗号分隔（默认：9个挂牌督战县）", callback=_counties)
    ] = ",".join(DEMO_COUNTIES),
    year: Annotated[int, typer.Option(help="数据年度（2014 起，已结束的年度）", callback=_year)] = 2020,
    dirty: Annotated[
        float, typer.Option(help="脏数据比例 0–0.5：每个脏行恰有一个已知错误，另写错误清单", callback=_dirty)
    ] = 0.0,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录：写出 人口信息、户信息（及 错误清单）")] = None,
    file_format: Annotated[FileFormat, typer.Option("--format", help="输出格式：csv 或 xlsx")] = FileFormat.csv,
    into_database: Annotated[
        bool, typer.Option("--into-database", help="直接导入数据库（先户信息，后人口信息）")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Generate a synthetic registry; write it to `--out` or import it with `--into-database`."""
    if (out is None) == (not into_database):
        raise typer.BadParameter("请指定 --out 目录或 --into-database 其中之一")
    if file_format is FileFormat.xlsx and members > MAX_ROWS:
        raise typer.BadParameter(f"XLSX 每个工作表最多 {MAX_ROWS:,} 行，请减少人口数或改用 CSV", param_hint="--format")
    codes = counties.split(",")
    started = time.perf_counter()
    try:
        data = generate(members=members, seed=seed, counties=codes, year=year, dirty_share=dirty)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    _print_generated(data, codes, time.perf_counter() - started)
    if out is not None:
        _write_files(data, out, file_format)
    else:
        _import(data, settings_from(database))


def _print_generated(data: Synthetic, codes: list[str], seconds: float) -> None:
    names = county_names()
    where = "、".join(names[code] for code in codes)
    console.print(
        f"已生成 {data.members.num_rows:,} 人、{data.households.num_rows:,} 户（{where}），用时 {seconds:.1f} 秒"
    )
    if data.faults.num_rows:
        console.print(f"其中 {data.faults.num_rows:,} 行各含一个已知错误")


def _write_files(data: Synthetic, out: Path, file_format: FileFormat) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tables = [(data.members, MEMBERS_FILE), (data.households, HOUSEHOLDS_FILE)]
    if data.faults.num_rows:
        tables.append((data.faults, FAULTS_FILE))
    for table, name in tables:
        if file_format is FileFormat.xlsx and name != FAULTS_FILE:
            path = write_xlsx(table, out / f"{name}.xlsx", name)
        else:
            path = write_csv(table, out / f"{name}.csv")
        console.print(f"  {path}")


def _import(data: Synthetic, settings: Settings) -> None:
    with user_errors():
        migrate.upgrade(settings.database_url)
        with engine_for(settings) as engine, tempfile.TemporaryDirectory() as folder:
            _ensure_divisions(engine)
            for table, name in ((data.households, HOUSEHOLDS_FILE), (data.members, MEMBERS_FILE)):
                sheet = _import_file(engine, settings, write_csv(table, Path(folder) / f"{name}.csv"))
                console.print(
                    f"{name}：读取 {sheet.read:,} 行，新增 {sheet.inserted:,}，修改 {sheet.updated:,}，"
                    f"未变 {sheet.unchanged:,}，拒绝 {sheet.rejected:,}"
                )
    console.print(f"数据库：{settings.database_url}")


def _import_file(engine: Engine, settings: Settings, path: Path) -> SheetResult:
    with unit_of_work(engine) as session:
        result = import_file(
            session=session,
            path=path,
            actor=cli_actor("synth"),
            settings=settings,
            scope=Scope.everything(),
            checkpoint=session.commit,
        )
    return result.sheets[0]


def _ensure_divisions(engine: Engine) -> None:
    """The importer finds villages in the division table, so an empty database gets Guizhou's first."""
    with unit_of_work(engine) as session:
        if not session.scalar(select(func.count()).select_from(Division)):
            load_files(session=session, paths=[shipped_guizhou()], actor=cli_actor("synth"))
