"""The worker: sweeps stale jobs, claims one, runs its handler, records how it ended. It owns the transactions.

Runs as a thread inside `fupin serve` (started and stopped by the app's lifespan) or as `fupin worker`.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fupin.config import Settings
from fupin.db import make_sessionmaker, utcnow, writer
from fupin.errors import FupinError, Problem
from fupin.jobs import service
from fupin.jobs.models import Job
from fupin.jobs.progress import ProgressReporter

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler gets: the job's parameters, its session, progress and checkpoint callbacks, the settings."""

    job_id: int
    parameters: dict[str, Any]
    session: Session
    settings: Settings
    progress: Callable[[str, int, int], None]
    checkpoint: Callable[[], None]  # commits the work so far (an importer calls it between write chunks)


class Handler(Protocol):
    def __call__(self, context: JobContext) -> dict[str, Any]: ...


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:200]


class Worker:
    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        handlers: Mapping[str, Handler],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.job_sessions = make_sessionmaker(engine)  # a job reads long before it writes: no lock while it checks
        self.sessions = make_sessionmaker(writer(engine))  # the worker's own short transactions all write
        self.settings, self.handlers, self.clock = settings, handlers, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int | None:
        """Sweep, then claim and run one job; the id of the job run, or None when the queue was empty."""
        self.sweep()
        with self.sessions() as session:
            job = service.claim(session=session, worker=worker_name(), now=self.clock())
            session.commit()
        if job is None:
            return None
        self._run(job)
        return job.id

    def run_until_empty(self) -> list[int]:
        ran = []
        while (job_id := self.run_once()) is not None:
            ran.append(job_id)
        return ran

    def sweep(self) -> None:
        with self.sessions() as session:
            requeued, failed = service.sweep_stale(
                session=session,
                now=self.clock(),
                stale_after=timedelta(seconds=self.settings.job_stale_seconds),
                max_attempts=self.settings.job_max_attempts,
            )
            session.commit()
        if requeued or failed:
            log.warning("stale jobs: %d queued again, %d failed", requeued, failed)

    def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        live = self.engine.dialect.name != "sqlite"  # see progress.py: SQLite records progress at checkpoints
        reporter = ProgressReporter(
            sessions=self.sessions,
            job_id=job.id,
            interval_seconds=self.settings.job_progress_seconds,
            clock=self.clock,
            live=live,
        )
        failure: Exception | None = None
        result: dict[str, Any] = {}
        with self.job_sessions() as session, reporter:

            def checkpoint() -> None:
                session.commit()
                reporter.write()

            try:
                if handler is None:
                    raise FupinError(_unknown_kind(job.kind))
                context = JobContext(job.id, dict(job.parameters), session, self.settings, reporter, checkpoint)
                result = handler(context)
                session.commit()
            except Exception as error:
                session.rollback()
                failure = error
        if failure is not None:
            self._record_failure(job.id, failure)
            return
        with self.sessions() as session:
            finished = session.get(Job, job.id)
            if finished is not None:
                service.succeed(session=session, job=finished, result=result, now=self.clock())
                session.commit()

    def _record_failure(self, job_id: int, error: Exception) -> None:
        if isinstance(error, FupinError):
            message = "；".join(problem.text() for problem in error.problems)
        else:
            log.exception("job %s failed", job_id, exc_info=error)
            message = f"任务执行时发生内部错误（{type(error).__name__}），已写入服务日志；请联系系统管理员"
        with self.sessions() as session:
            failed = session.get(Job, job_id)
            if failed is not None:
                service.fail(session=session, job=failed, error=message, now=self.clock())
                session.commit()

    def run_forever(self) -> None:
        """Poll until stopped; a database hiccup is logged and retried, never ends the loop."""
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("job worker: poll failed")
                ran = None
            if ran is None:
                self._stop.wait(self.settings.job_poll_seconds)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="fupin-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to stop after the job in hand and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def _unknown_kind(kind: str) -> Problem:
    return Problem("job-kind-unknown", f"不认识的任务类型「{kind}」", expected="本系统支持的任务类型，如 import")
