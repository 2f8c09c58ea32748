"""`fupin users` and `fupin serve`: what an installer types on the server."""

import stat
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from fupin.accounts.models import ApiToken, LoginThrottle, User
from fupin.accounts.passwords import verify_password
from fupin.cli import serve as serve_command
from fupin.cli.main import app
from fupin.config import Settings
from fupin.db import make_engine, unit_of_work, utcnow
from fupin.errors import FupinError
from fupin.secret_key import ensure_secret_key

runner = CliRunner()


def fupin(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def test_create_list_passwd_token(fresh_url: str) -> None:
    code, output = fupin(
        "users",
        "create",
        "Admin",
        "--role",
        "admin",
        "--scope",
        "全国",
        "--name",
        "张管理",
        "--password-stdin",
        "--database",
        fresh_url,
        stdin="Guanli2020ok\n",
    )
    assert code == 0, output
    assert "已创建用户 admin（系统管理员，数据范围：全国）" in output
    code, output = fupin(
        "users",
        "create",
        "dongshan",
        "--role",
        "村干部/驻村工作队",
        "--scope",
        "520526100034",
        "--password-stdin",
        "--database",
        fresh_url,
        stdin="Cunganbu2020\n",
    )
    assert code == 0, output
    assert "东山社区" in output
    code, output = fupin("users", "list", "--database", fresh_url)
    assert "张管理" in output
    assert "520526100034" in output
    engine = make_engine(fresh_url)
    with unit_of_work(engine) as session:
        session.add(LoginThrottle(username="dongshan", failures=0, last_failure_at=utcnow(), locked_until=utcnow()))
    code, output = fupin(
        "users", "passwd", "dongshan", "--password-stdin", "--database", fresh_url, stdin="Xinmima2021ok\n"
    )
    assert code == 0, output
    code, output = fupin("users", "token", "dongshan", "--days", "7", "--database", fresh_url)
    assert code == 0, output
    raw = output.strip().splitlines()[-1]
    assert raw.startswith("fupin_")
    with unit_of_work(engine) as session:
        user = session.scalars(select(User).where(User.username == "dongshan")).one()
        assert verify_password(user.password_hash, "Xinmima2021ok")
        assert session.get(LoginThrottle, "dongshan") is None
        assert raw not in session.scalars(select(ApiToken.token_hash)).one()
    engine.dispose()


def test_wrong_input_is_explained_in_chinese(fresh_url: str) -> None:
    code, output = fupin(
        "users",
        "create",
        "x",
        "--role",
        "boss",
        "--scope",
        "99",
        "--password-stdin",
        "--database",
        fresh_url,
        stdin="short\n",
    )
    assert code == 2
    for message in ("用户名格式不正确", "角色不存在", "数据范围", "密码太短"):
        assert message in output
    code, output = fupin("users", "token", "nobody", "--database", fresh_url)
    assert code == 2
    assert "用户 nobody 不存在" in output


def test_secret_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fupin.db'}")
    first, path, created = ensure_secret_key(settings)
    assert created
    assert path == tmp_path / "fupin.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.secret_key is not None
    assert len(first.secret_key.get_secret_value()) >= 32
    again, _, created_again = ensure_secret_key(settings)
    assert not created_again
    assert again.secret_key == first.secret_key
    path.chmod(0o644)
    with pytest.raises(FupinError, match="密钥文件的权限过宽"):
        ensure_secret_key(settings)
    given = Settings(database_url=settings.database_url, secret_key=SecretStr("k" * 40))
    assert ensure_secret_key(given) == (given, None, False)


def test_serve_builds_the_app_and_says_where_the_key_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[FastAPI, str, int]] = []
    monkeypatch.setattr(serve_command.uvicorn, "run", lambda app, host, port, **_: started.append((app, host, port)))
    monkeypatch.delenv("FUPIN_SECRET_KEY", raising=False)
    database = f"sqlite:///{tmp_path / 'fupin.db'}"
    code, output = fupin("serve", "--port", "8123", "--database", database)
    assert code == 0, output
    assert "已生成密钥并保存在" in output
    assert (tmp_path / "fupin.secret").exists()
    (application, host, port) = started[0]
    assert (host, port) == ("127.0.0.1", 8123)
    assert application.openapi()["info"]["title"] == "fupin（扶贫）"


def test_the_app_refuses_to_start_without_a_real_key() -> None:
    from fupin.web.app import create_app

    with pytest.raises(FupinError, match="未设置密钥或密钥太短"):
        create_app(Settings(secret_key=SecretStr("short")))
