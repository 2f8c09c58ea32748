"""Jobs as data: enqueue, read within the viewer's reach, claim exclusively, record progress, finish, sweep the stale.

Services never commit: the request that enqueues, and the worker that claims and runs, own the transactions.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from fupin.db import utcnow
from fupin.divisions.scope import Scope
from fupin.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks for jobs: owners see their own; administrators also those created inside their scope."""

    user_id: int
    sees_scope: bool
    scope: Scope


def create(
    *, session: Session, kind: str, parameters: dict[str, Any], created_by_id: int | None, scope_prefix: str
) -> Job:
    """Queue a job; a worker picks it up once the caller commits."""
    job = Job(
        kind=kind,
        parameters=parameters,
        status=QUEUED,
        done=0,
        total=0,
        attempts=0,
        created_by_id=created_by_id,
        scope_prefix=scope_prefix,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def reach(viewer: Viewer) -> ColumnElement[bool]:
    """The one condition that keeps another user's job out of sight (its id then answers 404)."""
    own = Job.created_by_id == viewer.user_id
    return or_(own, viewer.scope.contains_prefix(Job.scope_prefix)) if viewer.sees_scope else own


def get(*, session: Session, viewer: Viewer, job_id: int, kind: str | None = None) -> Job | None:
    statement = select(Job).where(Job.id == job_id, reach(viewer))
    if kind is not None:
        statement = statement.where(Job.kind == kind)
    return session.scalars(statement).first()


def list_(*, session: Session, viewer: Viewer, kind: str, before_id: int | None = None, limit: int = 20) -> list[Job]:
    """The viewer's own jobs of a kind, newest first, a keyset page below `before_id`."""
    statement = select(Job).where(Job.kind == kind, Job.created_by_id == viewer.user_id)
    if before_id is not None:
        statement = statement.where(Job.id < before_id)
    return list(session.scalars(statement.order_by(Job.id.desc()).limit(limit)))


def claim(*, session: Session, worker: str, now: datetime | None = None) -> Job | None:
    """Take the oldest queued job for this worker; two workers never get the same job (the caller commits)."""
    started = now or utcnow()
    values = {"status": RUNNING, "worker": worker, "started_at": started, "heartbeat_at": started}
    if session.get_bind().dialect.name == "postgresql":
        job_id = session.scalar(
            select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(1).with_for_update(skip_locked=True)
        )
        if job_id is None:
            return None
        session.execute(update(Job).where(Job.id == job_id).values(attempts=Job.attempts + 1, **values))
    else:
        # SQLite serialises writers, so one conditional UPDATE picks and marks a job atomically.
        oldest = select(Job.id).where(Job.status == QUEUED).order_by(Job.id).limit(1).scalar_subquery()
        job_id = session.scalar(
            update(Job)
            .where(Job.id == oldest, Job.status == QUEUED)
            .values(attempts=Job.attempts + 1, **values)
            .returning(Job.id)
        )
        if job_id is None:
            return None
    return session.get(Job, job_id, populate_existing=True)


def record_progress(*, session: Session, job_id: int, phase: str, done: int, total: int, now: datetime) -> None:
    """Phase, done/total and the heartbeat, written by one short statement (its caller commits at once)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING)
        .values(phase=phase[:100], done=done, total=total, heartbeat_at=now)
    )


def succeed(*, session: Session, job: Job, result: dict[str, Any], now: datetime | None = None) -> None:
    job.status, job.result, job.finished_at = SUCCEEDED, result, now or utcnow()
    job.done = job.total
    session.flush()


def fail(*, session: Session, job: Job, error: str, now: datetime | None = None) -> None:
    job.status, job.error, job.finished_at = FAILED, error, now or utcnow()
    session.flush()


def sweep_stale(*, session: Session, now: datetime, stale_after: timedelta, max_attempts: int) -> tuple[int, int]:
    """Running jobs whose worker stopped beating: queued again while attempts remain, else failed with the reason."""
    cutoff = now - stale_after
    stale = and_(Job.status == RUNNING, or_(Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None)))
    seconds = int(stale_after.total_seconds())
    message = (
        f"处理该任务的进程已停止响应（超过{seconds}秒没有心跳），已重试{max_attempts}次仍未完成，任务终止；"
        "已提交的部分不会丢失，请重新提交该任务"
    )
    failed = session.execute(
        update(Job)
        .where(stale, Job.attempts >= max_attempts)
        .values(status=FAILED, error=message, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    requeued = session.execute(
        update(Job)
        .where(stale, Job.attempts < max_attempts)
        .values(status=QUEUED, worker=None, phase="等待重试")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(requeued, "rowcount", 0)), int(getattr(failed, "rowcount", 0))
