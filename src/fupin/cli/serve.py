"""`fupin serve`: the web pages and the API, with a secret key from the environment or a generated 0600 file."""

import os
from typing import Annotated

import typer
import uvicorn

from fupin.cli.common import DatabaseOption, console, user_errors
from fupin.config import Settings, load_settings
from fupin.secret_key import ensure_secret_key
from fupin.web.app import create_app

FACTORY = "fupin.web.app:app_from_environment"
# A new server process imports the whole application before it answers its parent; on a busy two-core machine
# that takes longer than uvicorn's default five seconds, and the parent would kill and restart it forever.
WORKER_STARTUP_SECONDS = 60


def serve(
    host: Annotated[str | None, typer.Option("--host", help="监听地址（默认 FUPIN_HOST 或 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口（默认 FUPIN_PORT 或 8000）")] = None,
    database: DatabaseOption = None,
    processes: Annotated[
        int | None,
        typer.Option("--processes", min=1, max=64, help="服务进程数（默认 FUPIN_WEB_PROCESSES 或 1；一般取 CPU 核数）"),
    ] = None,
) -> None:
    with user_errors():
        settings, key_path, created = ensure_secret_key(
            load_settings(database_url=database, host=host, port=port, web_processes=processes)
        )
        application = create_app(settings)  # built here too, so a bad setting stops us before any process starts
    if created:
        console.print(f"未设置 FUPIN_SECRET_KEY：已生成密钥并保存在 {key_path}（权限 600）", highlight=False)
    elif key_path is not None:
        console.print(f"使用密钥文件 {key_path}", highlight=False)
    address = f"http://{settings.host}:{settings.port}/"
    console.print(
        f"fupin 已启动：{address}  （API 文档：/api/v1/docs，{settings.web_processes} 个进程）", highlight=False
    )
    if settings.web_processes == 1:
        uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")
        return
    _hand_down(settings)
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=settings.web_processes,
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
        host=settings.host,
        port=settings.port,
        log_level="info",
    )


def _hand_down(settings: Settings) -> None:
    """What the command line decided, for the server processes that read their settings from the environment."""
    os.environ["FUPIN_DATABASE_URL"] = settings.database_url
    if settings.secret_key is not None:
        os.environ["FUPIN_SECRET_KEY"] = settings.secret_key.get_secret_value()
