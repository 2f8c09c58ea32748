"""`fupin import`, `fupin export`, `fupin template`, `fupin history`: the registry from the command line."""

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import make_sessionmaker
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Problem
from fupin.registry import exporter
from fupin.registry import history as history_service
from fupin.registry.importer import ImportResult, import_file
from fupin.registry.template import write_template
from fupin.tabular.workbook import write_error_workbook

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
LAYOUT_NAMES = {"national": ("national_member", "national_household"), "fupin": ("fupin_member", "fupin_household")}


def register(app: typer.Typer) -> None:
    app.command("import", help="导入 CSV/XLSX（国家系统导出格式或本系统模板）")(import_command)
    app.command("export", help="导出为 CSV/XLSX（国家系统格式或本系统模板）")(export_command)
    app.command("template", help="生成本系统的导入模板（XLSX）")(template_command)
    app.command("history", help="显示一户的变更记录（户编号或成员证件号码）")(history_command)


def import_command(
    file: Annotated[Path, typer.Argument(help="要导入的 CSV 或 XLSX 文件")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验，不写入数据库")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", help="错误工作簿路径（默认：原文件名.错误.xlsx）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, _progress() as bar:
        task = bar.add_task("导入", total=None)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total or None)

        session = make_sessionmaker(engine)()
        try:
            result = import_file(
                session=session,
                path=file,
                actor=cli_actor("import"),
                settings=settings,
                scope=Scope.everything(),
                dry_run=dry_run,
                progress=progress,
                checkpoint=session.commit,
            )
            session.rollback() if dry_run else session.commit()
        finally:
            session.close()
    _print_import(result)
    if result.total("rejected"):
        target = errors or file.with_name(f"{file.stem}.错误.xlsx")
        write_error_workbook(
            target,
            [(s.sheet, s.headers, s.rejected_rows, s.problems) for s in result.sheets if s.rejected_rows is not None],
        )
        console.print(
            f"[yellow]有 {result.total('rejected')} 行未导入[/yellow]，错误工作簿：{target}（修改后可直接重新导入）"
        )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _print_import(result: ImportResult) -> None:
    table = Table(title=f"导入结果：{result.path.name}" + ("（试运行，未写入）" if result.dry_run else ""))
    for header in ("工作表", "格式", "读取", "新增", "修改", "未变", "拒绝", "新增户", "修改户"):
        table.add_column(header, justify="right" if header not in ("工作表", "格式") else "left")
    for sheet in result.sheets:
        table.add_row(
            sheet.sheet,
            sheet.layout,
            *(
                str(v)
                for v in (
                    sheet.read,
                    sheet.inserted,
                    sheet.updated,
                    sheet.unchanged,
                    sheet.rejected,
                    sheet.households_inserted,
                    sheet.households_updated,
                )
            ),
        )
    console.print(table)
    for sheet in result.sheets:
        for problem in sheet.problems[:10]:
            console.print(f"  [red]✗[/red] {problem.text()}", highlight=False)
        if len(sheet.problems) > 10:
            console.print(f"  ……另有 {len(sheet.problems) - 10} 个问题，见错误工作簿")


def export_command(
    out: Annotated[Path, typer.Argument(help="输出文件，.csv 或 .xlsx")],
    layout: Annotated[str, typer.Option(help="national（国家系统格式）或 fupin（本系统模板）")] = "national",
    kind: Annotated[str, typer.Option(help="member（人口）或 household（户）")] = "member",
    scope: Annotated[str, typer.Option("--scope", help="区划代码前缀，如 520526（威宁县）；默认全部")] = "",
    year: Annotated[int | None, typer.Option(help="收入年度（默认最近一年）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors():
        if layout not in LAYOUT_NAMES or kind not in ("member", "household"):
            raise FupinError(
                Problem(
                    "bad-option",
                    f"不支持的导出格式 {layout}/{kind}",
                    expected="--layout national|fupin，--kind member|household",
                )
            )
        name = LAYOUT_NAMES[layout][0 if kind == "member" else 1]
        with engine_for(settings) as engine, make_sessionmaker(engine)() as session:
            count = exporter.export(
                session=session, scope=Scope.of(scope.strip()), layout_name=name, path=out, year=year
            )
    console.print(f"已导出 {count} 行到 {out}")


def template_command(
    out: Annotated[Path, typer.Argument(help="模板文件路径（.xlsx）")] = Path("fupin-导入模板.xlsx"),
) -> None:
    write_template(out, settings_from(None).codelists_file)
    console.print(f"模板已生成：{out}")


def history_command(
    key: Annotated[str, typer.Argument(help="户编号，或该户任一成员的证件号码")],
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, make_sessionmaker(engine)() as session:
        household = history_service.find_household(session=session, scope=Scope.everything(), key=key.strip().upper())
        if household is None:
            raise FupinError(Problem("household-not-found", f"找不到户编号或证件号码为 {key} 的户"))
        entries = history_service.history(session=session, household=household)
    table = Table(title=f"户 {household.household_number} 的变更记录")
    for header in ("时间", "操作人", "渠道", "来源", "对象", "操作", "变更前", "变更后"):
        table.add_column(header)
    for entry in entries:
        table.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor,
            entry.channel,
            entry.source or "",
            f"{entry.entity}#{entry.entity_id}",
            ACTIONS.get(entry.action, entry.action),
            _fmt(entry.before),
            _fmt(entry.after),
        )
    console.print(table)


def _fmt(values: dict[str, object]) -> str:
    return "；".join(f"{key}={value}" for key, value in values.items())
