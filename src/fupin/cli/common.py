"""What every command shares: settings from options, the engine, the actor, Chinese error output."""

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from fupin.audit import Actor
from fupin.config import Settings, load_settings
from fupin.db import make_engine
from fupin.errors import FupinError

console = Console(soft_wrap=True)  # long paths and messages stay whole, for copying
err_console = Console(stderr=True, soft_wrap=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", "-d", help="数据库地址（默认 FUPIN_DATABASE_URL 或 sqlite:///./fupin.db）")
]


def settings_from(database: str | None) -> Settings:
    return load_settings(database_url=database)


def cli_actor(channel: str = "cli") -> Actor:
    return Actor(name=getpass.getuser(), channel=channel, origin=socket.gethostname())


@contextmanager
def engine_for(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a FupinError into its Chinese problems on stderr and exit code 2."""
    try:
        yield
    except FupinError as error:
        for problem in error.problems:
            err_console.print(f"[red]错误[/red] {problem.text()}", highlight=False)
        raise typer.Exit(code=2) from error
