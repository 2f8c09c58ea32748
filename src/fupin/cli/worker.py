"""`fupin worker`: run background jobs (imports) in a process of its own, beside or instead of the serve thread."""

import logging
from typing import Annotated

import typer

from fupin.cli.common import DatabaseOption, console, engine_for, settings_from, user_errors
from fupin.job_kinds import HANDLERS
from fupin.jobs.worker import Worker


def worker(
    once: Annotated[bool, typer.Option("--once", help="处理完当前排队的任务后退出（不等待新任务）")] = False,
    database: DatabaseOption = None,
) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings_from(database)
    with user_errors(), engine_for(settings) as engine:
        runner = Worker(engine=engine, settings=settings, handlers=HANDLERS)
        if once:
            ran = runner.run_until_empty()
            console.print(f"已处理 {len(ran)} 个任务", highlight=False)
            return
        console.print(f"任务进程已启动（数据库：{settings.database_url}），按 Ctrl+C 停止", highlight=False)
        try:
            runner.run_forever()
        except KeyboardInterrupt:
            console.print("已停止：正在处理的任务会在超时后由其他进程重新处理", highlight=False)
