"""Live progress: the job's thread keeps the latest (phase, done, total) in memory; it is written with the heartbeat
to the job's own row in short transactions of their own, so pages see it while the job works.

PostgreSQL: a reporter thread writes it every `job_progress_seconds`. SQLite has one write lock, and a job whose
transaction read before another connection committed can no longer write; so there the job's thread writes its
progress itself, right after each checkpoint commits (the importer checkpoints at every phase and write chunk).
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fupin.jobs import service

log = logging.getLogger(__name__)


class ProgressReporter:
    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        job_id: int,
        interval_seconds: float,
        clock: Callable[[], datetime],
        live: bool,
    ) -> None:
        self._sessions, self._job_id, self._interval, self._clock = sessions, job_id, interval_seconds, clock
        self._lock = threading.Lock()
        self._latest: tuple[str, int, int] = ("开始", 0, 0)
        self._stop = threading.Event()
        name = f"fupin-job-{job_id}-progress"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True) if live else None

    def __call__(self, phase: str, done: int, total: int) -> None:
        """The importer's progress callback: cheap, never touches the database."""
        with self._lock:
            self._latest = (phase, done, total)

    def __enter__(self) -> "ProgressReporter":
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def write(self) -> None:
        """Write the latest progress and a heartbeat now, in one short transaction; a busy database skips a beat."""
        with self._lock:
            phase, done, total = self._latest
        try:
            with self._sessions() as session:
                service.record_progress(
                    session=session, job_id=self._job_id, phase=phase, done=done, total=total, now=self._clock()
                )
                session.commit()
        except OperationalError as error:
            log.warning("job %s: progress not recorded: %s", self._job_id, error)

    def _run(self) -> None:
        while True:
            self.write()
            if self._stop.wait(self._interval):
                return
