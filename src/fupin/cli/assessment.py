"""`fupin assess`: verdicts for every household of a scope, against the current standard."""

from typing import Annotated

import typer
from rich.progress import Progress

from fupin.assessment.service import assess
from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import unit_of_work
from fupin.divisions.codes import prefix
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, Problem
from fupin.registry import codelists


def assess_command(
    year: Annotated[int, typer.Option("--year", help="评估年度（收入取该年度，年龄按该年12月31日计）")],
    scope: Annotated[
        str, typer.Option("--scope", help="区划代码或其前缀（省2位、市4位、县6位、乡9位、村12位）；空为全国")
    ] = "",
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors():
        scope_prefix = _scope_prefix(scope)
        with engine_for(settings) as engine, unit_of_work(engine) as session, Progress(console=console) as bar:
            task = bar.add_task("评估", total=None)
            run = assess(
                session=session,
                year=year,
                scope=Scope.of(scope_prefix),
                actor=cli_actor("cli"),
                lists=codelists.load(settings.codelists_file),
                progress=lambda phase, done, total: bar.update(task, description=phase, completed=done, total=total),
            )
    console.print(
        f"{year}年评估（第 {run.id} 次，标准版本 {run.standard_set_id}）：评估 {run.households:,} 户，"
        f"达到退出标准 {run.meeting:,} 户，未达到 {run.households - run.meeting:,} 户"
    )


def _scope_prefix(scope: str) -> str:
    code = scope.strip()
    if code and (not code.isdigit() or len(code) not in (2, 4, 6, 9, 12)):
        raise FupinError(
            Problem("bad-option", "范围不是有效的区划代码前缀", Location(field="--scope"), code, "2、4、6、9或12位数字")
        )
    return prefix(code) if len(code) == 12 else code
