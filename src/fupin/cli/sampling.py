"""`fupin sample draw|export|results`: the assessment sample of a county, its survey sheet and the filled results."""

from pathlib import Path
from typing import Annotated

import typer

from fupin.assessment import sample as samples
from fupin.assessment import survey
from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import make_sessionmaker, unit_of_work
from fupin.divisions.codes import pad
from fupin.divisions.scope import Scope

app = typer.Typer(no_args_is_help=True)
SampleOption = Annotated[int, typer.Option("--sample", help="抽样编号（fupin sample draw 输出）")]


@app.command("draw", help="抽取一个县的评估样本（村按 PPS，村内已脱贫户和非建档立卡户分层随机）")
def draw_command(
    county: Annotated[str, typer.Option("--county", help="县的区划代码（6位或12位）")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子：相同种子和数据得到相同样本", min=0, max=2**31 - 1)],
    margin: Annotated[float, typer.Option("--margin", help="允许误差")] = 0.05,
    confidence: Annotated[float, typer.Option("--confidence", help="置信度")] = 0.95,
    villages: Annotated[int, typer.Option("--villages", help="抽取的村数", min=1)] = 30,
    year: Annotated[int, typer.Option("--year", help="评估年度")] = 2020,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    request = samples.DrawRequest(
        county_code=pad(county.strip()) if county.strip().isdigit() else county, year=year, seed=seed,
        margin=margin, confidence=confidence, villages=villages,
    )  # fmt: skip
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        sample = samples.draw_sample(session=session, scope=Scope.everything(), actor=cli_actor(), request=request)
        found = survey.estimates(session=session, sample=sample)
        sample_id, note = sample.id, sample.note
    console.print(f"抽样 #{sample_id}：样本 {found.sampled} 户。{note or ''}", highlight=False)


@app.command("export", help="导出抽样调查表（XLSX），供调查组填写")
def export_command(
    sample_id: SampleOption,
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（默认：抽样调查表_编号.xlsx）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    target = out or Path(f"抽样调查表_{sample_id}.xlsx")
    with user_errors(), engine_for(settings) as engine, make_sessionmaker(engine)() as session:
        sample = samples.get_sample(session=session, scope=Scope.everything(), sample_id=sample_id)
        survey.export_sheet(session=session, sample=sample, path=target)
    console.print(f"调查表：{target}", highlight=False)


@app.command("results", help="上传填好的调查表：有误的行写入错误工作簿，其余保存")
def results_command(
    file: Annotated[Path, typer.Argument(help="填好的调查表（XLSX 或 CSV）")],
    sample_id: SampleOption,
    errors: Annotated[Path | None, typer.Option("--errors", help="错误工作簿路径（默认：原文件名.错误.xlsx）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    target = errors or file.with_name(f"{file.stem}.错误.xlsx")
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        sample = samples.get_sample(session=session, scope=Scope.everything(), sample_id=sample_id)
        result = survey.import_results(session=session, actor=cli_actor(), sample=sample, path=file, error_path=target)
    console.print(
        f"读取 {result.read} 行：保存 {result.stored}，未调查（留空）{result.blank}，拒绝 {result.rejected_rows}",
        highlight=False,
    )
    for problem in (result.problems or [])[:10]:
        console.print(f"  [red]✗[/red] {problem.text()}", highlight=False)
    if result.rejected_rows:
        console.print(f"[yellow]错误工作簿：{target}[/yellow]（修改后可直接重新上传）", highlight=False)
