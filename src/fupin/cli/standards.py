"""`fupin standards`: load a standard file as a new version, and show the current standard."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import unit_of_work
from fupin.standards import service
from fupin.standards.loader import load_standard_file, shipped_national

app = typer.Typer(no_args_is_help=True)


@app.command("load", help="载入评估标准文件（TOML），成为新的当前版本")
def load_command(
    file: Annotated[Path | None, typer.Argument(help="标准文件；不填则载入系统默认的国家标准")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    path = file or shipped_national()
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        standard = load_standard_file(session=session, path=path, actor=cli_actor("cli"))
        console.print(f"已载入「{standard.name}」第 {standard.version} 版（来自 {path.name}）")


@app.command("show", help="显示当前评估标准：收入线、监测范围和指标规则")
def show_command(database: DatabaseOption = None) -> None:
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        standard = service.current(session=session)
        console.print(f"当前标准：「{standard.name}」第 {standard.version} 版（{standard.source or '—'}）")
        lines = Table(title="收入线（元/人·年）")
        for header in ("年度", "省", "识别线", "退出线", "已核实"):
            lines.add_column(header)
        for line in service.poverty_lines(session=session, standard=standard):
            confirmed = "是" if line.confirmed else "否（可修改）"
            lines.add_row(
                str(line.year), line.province_code, f"{line.identification_line:g}", f"{line.exit_line:g}", confirmed
            )
        console.print(lines)
        console.print("指标：")
        for item in service.indicators(session=session, standard=standard):
            parameters = (
                "；参数 " + ", ".join(f"{k}={v}" for k, v in item.parameters.items()) if item.parameters else ""
            )
            console.print(
                f"  {item.name}（{item.code}，{item.dimension}，权重 {item.weight:g}）：{item.rule}{parameters}"
            )
