"""`fupin users`: create users, list them, set a password, issue an API token."""

import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from fupin import audit
from fupin.accounts import credentials, service, signin
from fupin.accounts.enums import Role, choices
from fupin.accounts.models import User
from fupin.cli.common import DatabaseOption, cli_actor, console, engine_for, settings_from, user_errors
from fupin.db import unit_of_work, utcnow
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, Location, Problem

app = typer.Typer(no_args_is_help=True)

PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（一行），用于脚本")]


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码"))


@app.command("create", help="新建用户（命令行操作者拥有全国范围的授权）")
def create(
    username: Annotated[str, typer.Argument(help="用户名：3–40位英文字母、数字或 . _ @ -")],
    role: Annotated[str, typer.Option("--role", help=f"角色：{choices()}")],
    scope: Annotated[
        str, typer.Option("--scope", help="数据范围：区划代码前缀（省2、市4、县6、乡9、村12位）或「全国」")
    ],
    full_name: Annotated[str | None, typer.Option("--name", help="姓名（默认与用户名相同）")] = None,
    password_stdin: PasswordStdin = False,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    password = read_password(password_stdin)
    new = service.NewUser(username, full_name or username, role, scope, password)
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        changeset = audit.open_changeset(session=session, actor=cli_actor(), purpose="新建用户")
        user = service.create(
            session=session,
            changeset=changeset,
            new=new,
            grantor=Scope.everything(),
            password_min_length=settings.password_min_length,
        )
        where = service.scope_name(session=session, scope_prefix=user.scope_prefix)
    console.print(f"已创建用户 {user.username}（{Role(user.role).label}，数据范围：{where}）", highlight=False)


@app.command("list", help="列出用户")
def list_users(database: DatabaseOption = None) -> None:
    settings = settings_from(database)
    with engine_for(settings) as engine, unit_of_work(engine) as session:
        users = service.list_(session=session, scope=Scope.everything())
    table = Table(title="用户")
    for header in ("用户名", "姓名", "角色", "数据范围", "状态"):
        table.add_column(header)
    for user in users:
        state = "正常" if user.is_active else "停用"
        table.add_row(user.username, user.full_name, Role(user.role).label, user.scope_prefix or "全国", state)
    console.print(table)


@app.command("passwd", help="重设用户的密码（并让其所有登录失效）")
def passwd(
    username: Annotated[str, typer.Argument(help="用户名")],
    password_stdin: PasswordStdin = False,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    password = read_password(password_stdin)
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        user = _user_or_error(session, username)
        changeset = audit.open_changeset(session=session, actor=cli_actor(), purpose="重设密码")
        service.change_password(
            session=session,
            changeset=changeset,
            user=user,
            current_password=None,
            new_password=password,
            password_min_length=settings.password_min_length,
            now=utcnow(),
        )
        signin.unlock(session=session, username=user.username)
    console.print(f"已重设 {username} 的密码")


@app.command("token", help="为用户签发 API 令牌（只显示一次，数据库只保存其摘要）")
def token(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option("--name", help="令牌用途")] = "命令行签发",
    days: Annotated[int | None, typer.Option("--days", help="有效天数（默认 FUPIN_TOKEN_LIFETIME_DAYS）")] = None,
    database: DatabaseOption = None,
) -> None:
    settings = settings_from(database)
    lifetime = timedelta(days=days or settings.token_lifetime_days)
    with user_errors(), engine_for(settings) as engine, unit_of_work(engine) as session:
        user = _user_or_error(session, username)
        changeset = audit.open_changeset(session=session, actor=cli_actor(), purpose="签发令牌")
        raw, issued = credentials.issue_token(
            session=session, changeset=changeset, user=user, name=name, now=utcnow(), lifetime=lifetime
        )
    console.print(f"令牌（有效至 {issued.expires_at:%Y-%m-%d %H:%M} UTC，只显示这一次）：", highlight=False)
    print(raw)


def _user_or_error(session: Session, username: str) -> User:
    user = service.get_by_username(session=session, username=username)
    if user is None:
        raise FupinError(Problem("user-not-found", f"用户 {username} 不存在", Location(field="username")))
    return user
