"""`fupin demo`: a demo database over Guizhou's nine last-listed counties, its summary per county, demo accounts,
the national standard and a first assessment; then the pages and the API are served (unless --no-serve)."""

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin import migrate
from fupin.accounts import service as accounts
from fupin.accounts.enums import Role
from fupin.assessment.models import AssessmentRun
from fupin.assessment.population import derive_from_members
from fupin.assessment.service import assess
from fupin.audit import Actor, open_changeset
from fupin.cli.common import DatabaseOption, console, engine_for, settings_from, user_errors
from fupin.cli.serve import serve
from fupin.config import Settings
from fupin.db import make_sessionmaker, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.registry.importer import import_file
from fupin.registry.summary import by_county
from fupin.standards import service as standards
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.synth import DEMO_COUNTIES, generate
from fupin.synth.writer import write_csv

DEMO = Actor("demo", "synth")


# Demo accounts: one per role, each with a scope that shows what the role sees. The password is printed.
DEMO_PASSWORD = "fupin2020demo"
DEMO_ACCOUNTS = (
    ("admin", "演示管理员", "admin", "52"),
    ("weining", "威宁县业务员", "county", "520526"),
    ("caohai", "草海镇业务员", "township", "520526100"),
    ("dongshan", "东山社区驻村工作队", "village", "520526100034"),
    ("duzhan", "省督战组", "inspector", "52"),
    ("weijian", "威宁县卫健局", "steward", "520526"),
    ("chakan", "只读用户", "viewer", "52"),
)


def demo(
    members: Annotated[int, typer.Option(help="合成人口数")] = 30_000,
    seed: Annotated[int, typer.Option(help="随机种子（相同种子生成相同数据）")] = 2020,
    serve_pages: Annotated[bool, typer.Option("--serve/--no-serve", help="建好后启动网页和 API 服务")] = True,
    host: Annotated[str | None, typer.Option("--host", help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口（默认 8000）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    with user_errors():
        migrate.upgrade(settings.database_url)
        with engine_for(settings) as engine:
            _ensure_divisions(engine)
            _load_synthetic(engine, settings, members, seed)
            with unit_of_work(engine) as session:
                created = _ensure_accounts(session, settings)
                run = _assess(session, settings)
                _derive_population(session, seed, run.year)
            with make_sessionmaker(engine)() as session:
                summaries = by_county(session=session, scope=Scope.everything())
    _print(summaries, settings.database_url)
    console.print(
        f"评估：{run.year}年 {run.households:,} 户，达到退出标准 {run.meeting:,} 户（标准版本 {run.standard_set_id}）"
    )
    _print_accounts(created)
    if serve_pages:
        serve(host=host, port=port, database=database)


def _ensure_accounts(session: Session, settings: Settings) -> list[str]:
    """The demo accounts that are missing; existing ones (and their passwords) are left alone."""
    changeset = open_changeset(session=session, actor=DEMO, purpose="演示账号")
    created = []
    for username, full_name, role, scope in DEMO_ACCOUNTS:
        if accounts.get_by_username(session=session, username=username) is not None:
            continue
        new = accounts.NewUser(username, full_name, role, scope, DEMO_PASSWORD)
        accounts.create(
            session=session,
            changeset=changeset,
            new=new,
            grantor=Scope.everything(),
            password_min_length=settings.password_min_length,
        )
        created.append(username)
    return created


def _assess(session: Session, settings: Settings) -> AssessmentRun:
    try:
        standards.current(session=session)
    except FupinError:
        load_standard_file(session=session, path=shipped_national(), actor=DEMO)
    return assess(
        session=session, year=2020, scope=Scope.everything(), actor=DEMO, lists=codelists.load(settings.codelists_file)
    )


def _derive_population(session: Session, seed: int, year: int) -> None:
    """Rural populations for the demo villages, so the exit report has a denominator; plainly marked as made up."""
    factor = 3.0 + (seed % 7) / 10
    source = f"演示推算：本村登记人口 × {factor:.1f}（由合成种子 {seed} 决定，非统计数据）"
    derive_from_members(session=session, actor=DEMO, year=year, factor=factor, source=source)


def _print_accounts(created: list[str]) -> None:
    table = Table(title="演示账号")
    for header in ("用户名", "姓名", "角色", "数据范围"):
        table.add_column(header)
    for username, full_name, role, scope in DEMO_ACCOUNTS:
        table.add_row(username, full_name, Role(role).label, scope)
    console.print(table)
    if created:
        console.print(f"新建账号的初始密码：{DEMO_PASSWORD}（登录后请在「修改密码」中修改）", highlight=False)
    else:
        console.print("演示账号已存在，密码保持不变（初始密码为 " + DEMO_PASSWORD + "）", highlight=False)


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
