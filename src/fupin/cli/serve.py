"""`fupin serve`: the web pages and the API, with a secret key from the environment or a generated 0600 file."""

from typing import Annotated

import typer
import uvicorn

from fupin.cli.common import DatabaseOption, console, user_errors
from fupin.config import load_settings
from fupin.secret_key import ensure_secret_key
from fupin.web.app import create_app


def serve(
    host: Annotated[str | None, typer.Option("--host", help="监听地址（默认 FUPIN_HOST 或 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口（默认 FUPIN_PORT 或 8000）")] = None,
    database: DatabaseOption = None,
) -> None:
    with user_errors():
        settings, key_path, created = ensure_secret_key(load_settings(database_url=database, host=host, port=port))
        application = create_app(settings)
    if created:
        console.print(f"未设置 FUPIN_SECRET_KEY：已生成密钥并保存在 {key_path}（权限 600）", highlight=False)
    elif key_path is not None:
        console.print(f"使用密钥文件 {key_path}", highlight=False)
    console.print(f"fupin 已启动：http://{settings.host}:{settings.port}/  （API 文档：/api/v1/docs）", highlight=False)
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")
