"""`fupin demo`: a demo database over Guizhou's nine last-listed counties, then its summary per county."""

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from fupin import migrate
from fupin.audit import Actor
from fupin.cli.common import DatabaseOption, console, engine_for, settings_from, user_errors
from fupin.db import make_sessionmaker, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.registry.importer import import_file
from fupin.registry.summary import by_county
from fupin.synth import DEMO_COUNTIES, generate
from fupin.synth.writer import write_csv

DEMO = Actor("demo", "synth")


def demo(
    members: Annotated[int, typer.Option(help="合成人口数")] = 30_000,
    seed: Annotated[int, typer.Option(help="随机种子（相同种子生成相同数据）")] = 2020,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors():
        migrate.upgrade(settings.database_url)
        with engine_for(settings) as engine:
            _ensure_divisions(engine)
            _load_synthetic(engine, settings, members, seed)
            with make_sessionmaker(engine)() as session:
                summaries = by_county(session=session, scope=Scope.everything())
    _print(summaries, settings.database_url)


def _ensure_divisions(engine: object) -> None:
    with unit_of_work(engine) as session:  # type: ignore[arg-type]
        if not session.scalar(select(func.count()).select_from(Division)):
            load_files(session=session, paths=[shipped_guizhou()], actor=DEMO)


def _load_synthetic(engine: object, settings: object, members: int, seed: int) -> None:
    data = generate(members=members, seed=seed, counties=list(DEMO_COUNTIES), year=2020)
    with tempfile.TemporaryDirectory() as folder:
        households_csv = write_csv(data.households, Path(folder) / "户信息.csv")
        members_csv = write_csv(data.members, Path(folder) / "人口信息.csv")
        for path in (households_csv, members_csv):
            with unit_of_work(engine) as session:  # type: ignore[arg-type]
                import_file(
                    session=session,
                    path=path,
                    actor=DEMO,
                    settings=settings,  # type: ignore[arg-type]
                    scope=Scope.everything(),
                    checkpoint=session.commit,
                )


def _print(summaries: list, url: str) -> None:  # type: ignore[type-arg]
    table = Table(title="演示数据库：各县汇总")
    for header in ("县代码", "县", "户数", "人数", "已脱贫户", "未脱贫户", "监测户", "户均人均纯收入（元）"):
        table.add_column(header, justify="left" if header in ("县代码", "县") else "right", overflow="fold")
    for s in summaries:
        income = f"{s.mean_per_capita_income:,.0f}" if s.mean_per_capita_income is not None else "—"
        table.add_row(
            s.code,
            s.name,
            f"{s.households:,}",
            f"{s.members:,}",
            f"{s.exited:,}",
            f"{s.not_exited:,}",
            f"{s.monitored:,}",
            income,
        )
    console.print(table)
    console.print(f"数据库：{url}")
