"""`fupin analytics refresh`: rebuild the per-village figures (and this month's trend rows) from the registry."""

import time
from typing import Annotated

import typer

from fupin.analytics import service
from fupin.cli.common import DatabaseOption, console, engine_for, settings_from, user_errors
from fupin.db import unit_of_work, utcnow
from fupin.divisions.codes import CODE_LENGTH, prefix

app = typer.Typer(no_args_is_help=True)


def _scope(value: str) -> str:
    """A division-code prefix: 2 (province) to 12 (village) digits, a full code as its own prefix."""
    code = value.strip()
    if code and not (code.isascii() and code.isdigit() and 2 <= len(code) <= 12):
        raise typer.BadParameter(f"区划代码须为2至12位数字（收到：{value[:20]}），例如 52 或 520526")
    return prefix(code) if len(code) == CODE_LENGTH else code


@app.command("refresh", help="按行政区划重算各村汇总数（导入后自动进行；修复或迁移后手动执行）")
def refresh(
    scope: Annotated[
        str, typer.Option("--scope", help="区划代码前缀，如 52 或 520526；不填则全部", callback=_scope)
    ] = "",
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    started = time.perf_counter()
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        villages = service.refresh_under(session=session, prefix=scope, now=utcnow())
    where = f"区划 {scope} 之下" if scope else "全部"
    console.print(f"已重算{where} {villages:,} 个村的汇总数，用时 {time.perf_counter() - started:.1f} 秒")
