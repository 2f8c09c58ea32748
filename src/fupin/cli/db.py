"""`fupin db`: schema migrations."""

import typer

from fupin import migrate
from fupin.cli.common import DatabaseOption, console, settings_from

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade", help="将数据库升级到最新结构")
def upgrade(database: DatabaseOption = None, revision: str = "head") -> None:
    settings = settings_from(database)
    migrate.upgrade(settings.database_url, revision)
    console.print(f"数据库已升级到 {migrate.current(settings.database_url)}")


@app.command("downgrade", help="将数据库降级到指定版本")
def downgrade(revision: str, database: DatabaseOption = None) -> None:
    settings = settings_from(database)
    migrate.downgrade(settings.database_url, revision)
    console.print(f"数据库已降级到 {migrate.current(settings.database_url) or '空'}")


@app.command("current", help="显示当前数据库版本")
def current(database: DatabaseOption = None) -> None:
    console.print(migrate.current(settings_from(database).database_url) or "（未初始化）")
