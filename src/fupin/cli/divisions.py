"""`fupin divisions`: import the NBS division table and look units up."""

from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.table import Table
from sqlalchemy.orm import Session

from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import make_sessionmaker
from fupin.divisions import service
from fupin.divisions.codes import LEVEL_NAMES, prefix
from fupin.divisions.loader import COLUMNS, LoadResult, load_files, shipped_guizhou
from fupin.divisions.models import Division
from fupin.errors import FupinError, Problem
from fupin.tabular.workbook import write_error_workbook

app = typer.Typer(no_args_is_help=True)


@app.command("import", help="导入统计用区划代码表（CSV 或 .csv.gz：code,name,parent_code,level）")
def import_command(
    files: Annotated[list[Path] | None, typer.Argument(help="区划代码文件；不填则导入随软件附带的贵州省代码表")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验，不写入数据库")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", help="错误工作簿路径（默认：区划代码.错误.xlsx）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    paths = files or [shipped_guizhou()]
    with user_errors(), engine_for(settings) as engine:
        session = make_sessionmaker(engine)()
        try:
            result = load_files(session=session, paths=paths, actor=cli_actor("import"), dry_run=dry_run)
            session.rollback() if dry_run else session.commit()
        finally:
            session.close()
    _print_load(result, dry_run)
    if result.rejected:
        target = errors or Path("区划代码.错误.xlsx")
        write_error_workbook(target, [("区划代码", list(COLUMNS), _rejected_table(result), result.problems)])
        console.print(f"[yellow]有 {result.rejected} 行未导入[/yellow]，错误工作簿：{target}")


def _print_load(result: LoadResult, dry_run: bool) -> None:
    title = "区划代码导入结果" + ("（试运行，未写入）" if dry_run else "")
    table = Table(title=title)
    for header in ("读取", "新增", "修改", "未变", "拒绝"):
        table.add_column(header, justify="right")
    counts = (result.read, result.inserted, result.updated, result.unchanged, result.rejected)
    table.add_row(*(f"{count:,}" for count in counts))
    console.print(table)
    for problem in result.problems[:10]:
        console.print(f"  [red]✗[/red] {problem.text()}", highlight=False)
    if len(result.problems) > 10:
        console.print(f"  ……另有 {len(result.problems) - 10} 个问题，见错误工作簿")


def _rejected_table(result: LoadResult) -> pa.Table:
    """Row number, the four original columns, then the reason: the shape write_error_workbook expects."""
    rows = result.rejected_rows
    reasons = [problem.text() for problem in result.problems]
    columns = {"_row": [row["row"] for row in rows]}
    columns.update({column: [row[column] for row in rows] for column in COLUMNS})
    columns["错误原因"] = reasons
    return pa.table(columns)


@app.command("show", help="显示一个区划单位：上级链、下级单位数")
def show_command(code: Annotated[str, typer.Argument(help="12位区划代码")], database: DatabaseOption = None) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, make_sessionmaker(engine)() as session:
        unit = _unit_or_error(session, code)
        chain = service.parent_chain(session=session, code=unit.code)
        below = service.count_by_level(session=session, prefix=prefix(unit.code, unit.level))
    console.print(" › ".join(f"{item.name}（{item.code}）" for item in chain), highlight=False)
    lower = sorted((level, total) for level, total in below.items() if level > unit.level)
    counts = "，".join(f"{LEVEL_NAMES[level]}级 {total:,}" for level, total in lower)
    console.print(f"级别：{LEVEL_NAMES[unit.level]}；下辖：{counts or '无'}")


@app.command("children", help="列出直接下级单位（不填代码则列出各省）")
def children_command(
    code: Annotated[str | None, typer.Argument(help="12位区划代码")] = None, database: DatabaseOption = None
) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, make_sessionmaker(engine)() as session:
        if code is not None:
            _unit_or_error(session, code)
        _print_units(service.children(session=session, code=code), "下级单位")


@app.command("find", help="按名称查找区划单位")
def find_command(
    name: Annotated[str, typer.Argument(help="名称中的文字，如 威宁")],
    under: Annotated[str, typer.Option("--under", help="只在该代码前缀下查找，如 5205")] = "",
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, make_sessionmaker(engine)() as session:
        if under and not under.isdigit():
            raise FupinError(Problem("bad-option", f"--under 只能是数字前缀（填写值：{under}）", expected="如 5205"))
        _print_units(service.find(session=session, name=name.strip(), under=under), f"名称含「{name}」的单位")


def _unit_or_error(session: Session, code: str) -> Division:
    unit = service.get(session=session, code=code.strip())
    if unit is None:
        expected = "已导入的12位统计用区划代码"
        raise FupinError(Problem("division-not-found", f"区划代码 {code} 不存在", expected=expected))
    return unit


def _print_units(units: list[Division], title: str) -> None:
    table = Table(title=title)
    for header in ("代码", "名称", "级别", "上级代码"):
        table.add_column(header)
    for unit in units:
        table.add_row(unit.code, unit.name, LEVEL_NAMES[unit.level], unit.parent_code or "")
    console.print(table)
    if not units:
        console.print("（没有找到）")
