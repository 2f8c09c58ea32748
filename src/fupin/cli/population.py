"""`fupin population import FILE`: rural population per village and year, the denominator of poverty incidence."""

from pathlib import Path
from typing import Annotated

import typer

from fupin.assessment.population import PopulationResult, import_population
from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import unit_of_work
from fupin.divisions.scope import Scope

app = typer.Typer(no_args_is_help=True)


@app.command("import", help="导入各村农村人口（列：村代码或省市县乡村名称、年度、农村人口、来源）")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV 或 XLSX 文件")],
    errors: Annotated[Path | None, typer.Option("--errors", help="错误工作簿路径（默认：原文件名.错误.xlsx）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    target = errors or file.with_name(f"{file.stem}.错误.xlsx")
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        result = import_population(
            session=session, path=file, actor=cli_actor("import"), scope=Scope.everything(), error_path=target
        )
    print_result(result, target)


def print_result(result: PopulationResult, target: Path) -> None:
    console.print(
        f"读取 {result.read} 行：新增 {result.inserted}，修改 {result.updated}，未变 {result.unchanged}，"
        f"拒绝 {result.rejected_rows}",
        highlight=False,
    )
    for problem in result.problems[:10]:
        console.print(f"  [red]✗[/red] {problem.text()}", highlight=False)
    if result.rejected_rows:
        console.print(f"[yellow]错误工作簿：{target}[/yellow]（修改后可直接重新导入）", highlight=False)
