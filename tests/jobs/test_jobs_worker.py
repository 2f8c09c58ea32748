"""Jobs on both databases: exclusive claims by concurrent workers, failures recorded, live progress, stale sweep."""

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fupin.config import Settings
from fupin.db import make_engine, make_sessionmaker, utcnow
from fupin.errors import FupinError, Problem
from fupin.jobs import service
from fupin.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job
from fupin.jobs.worker import JobContext, Worker

SETTINGS = Settings(job_progress_seconds=0.02, job_poll_seconds=0.02, job_stale_seconds=60, job_max_attempts=2)


def enqueue(sessions: sessionmaker[Session], count: int, kind: str = "echo") -> list[int]:
    with sessions() as session:
        ids = [
            service.create(session=session, kind=kind, parameters={"n": n}, created_by_id=None, scope_prefix="").id
            for n in range(count)
        ]
        session.commit()
    return ids


def load(sessions: sessionmaker[Session], job_id: int) -> Job:
    with sessions() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_two_workers_never_run_the_same_job(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    sessions = make_sessionmaker(engine)
    ids = enqueue(sessions, 12)
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()

    def echo(context: JobContext) -> dict[str, Any]:
        with lock:
            seen.append((threading.current_thread().name, context.job_id))
        return {"n": context.parameters["n"]}

    workers = [Worker(engine=engine, settings=SETTINGS, handlers={"echo": echo}) for _ in range(2)]
    threads = [threading.Thread(target=w.run_until_empty, name=f"w{i}") for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ran = sorted(job_id for _, job_id in seen)
    assert ran == ids  # every job once, none twice
    assert all(load(sessions, job_id).status == SUCCEEDED for job_id in ids)
    assert load(sessions, ids[3]).result == {"n": 3}
    engine.dispose()


def test_failures_are_recorded_with_their_chinese_message(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    sessions = make_sessionmaker(engine)

    def refuse(_context: JobContext) -> dict[str, Any]:
        raise FupinError(Problem("header-incomplete", "缺少「证件号码」列", expected="国家系统导出的表头"))

    def crash(_context: JobContext) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    refused, crashed, unknown = (
        enqueue(sessions, 1, "refuse") + enqueue(sessions, 1, "crash") + enqueue(sessions, 1, "x")
    )
    worker = Worker(engine=engine, settings=SETTINGS, handlers={"refuse": refuse, "crash": crash})
    assert worker.run_until_empty() == [refused, crashed, unknown]
    job = load(sessions, refused)
    assert (job.status, job.error) == (FAILED, "缺少「证件号码」列；应为：国家系统导出的表头")
    assert job.finished_at is not None
    assert "内部错误（RuntimeError）" in (load(sessions, crashed).error or "")
    assert "disk on fire" not in (load(sessions, crashed).error or "")
    assert "不认识的任务类型「x」" in (load(sessions, unknown).error or "")
    engine.dispose()


def test_progress_is_visible_from_another_session_while_the_job_runs(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    sessions = make_sessionmaker(engine)
    (job_id,) = enqueue(sessions, 1, "slow")
    halfway, release = threading.Event(), threading.Event()

    def slow(context: JobContext) -> dict[str, Any]:
        context.session.execute(select(Job.id))  # the job's own transaction stays open meanwhile
        context.progress("写入", 40, 100)
        context.checkpoint()  # as the importer does after each chunk (SQLite records progress there)
        halfway.set()
        assert release.wait(30)
        return {}

    worker = Worker(engine=engine, settings=SETTINGS, handlers={"slow": slow})
    runner = threading.Thread(target=worker.run_once)
    runner.start()
    assert halfway.wait(30)
    seen = None
    for _ in range(200):
        job = load(sessions, job_id)
        if job.done == 40:
            seen = job
            break
        release.wait(0.02)
    release.set()
    runner.join(30)
    assert seen is not None
    assert (seen.status, seen.phase, seen.done, seen.total, seen.percent) == (RUNNING, "写入", 40, 100, 40)
    assert seen.heartbeat_at is not None
    finished = load(sessions, job_id)
    assert (finished.status, finished.percent) == (SUCCEEDED, 100)
    engine.dispose()


def test_stale_jobs_are_queued_again_then_failed(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    sessions = make_sessionmaker(engine)
    (job_id,) = enqueue(sessions, 1)
    long_ago = utcnow() - timedelta(hours=1)
    with sessions() as session:
        claimed = service.claim(session=session, worker="dead-host:1", now=long_ago)
        session.commit()
    assert claimed is not None
    assert claimed.id == job_id
    with sessions() as session:
        assert service.sweep_stale(
            session=session, now=utcnow(), stale_after=timedelta(seconds=60), max_attempts=2
        ) == (1, 0)
        session.commit()
    job = load(sessions, job_id)
    assert (job.status, job.phase, job.worker) == (QUEUED, "等待重试", None)
    with sessions() as session:
        service.claim(session=session, worker="dead-again:2", now=long_ago)
        assert service.sweep_stale(
            session=session, now=utcnow(), stale_after=timedelta(seconds=60), max_attempts=2
        ) == (0, 1)
        session.commit()
    job = load(sessions, job_id)
    assert job.status == FAILED
    assert job.attempts == 2
    assert "超过60秒没有心跳" in (job.error or "")
    engine.dispose()
