"""The job row: what to do (kind, parameters), how far it got (phase, done/total, heartbeat) and how it ended."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
STATUS_LABELS = {QUEUED: "排队中", RUNNING: "进行中", SUCCEEDED: "已完成", FAILED: "失败"}


class Job(Base):
    __tablename__ = "jobs_job"
    # Workers look for the oldest queued job, and the stale sweep for running jobs by heartbeat: one index serves both.
    __table_args__ = (Index("ix_jobs_job_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    phase: Mapped[str | None] = mapped_column(String(100))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts_user.id"), index=True)
    scope_prefix: Mapped[str] = mapped_column(String(12), default="")  # the creator's scope, for admins' view
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)

    @property
    def percent(self) -> int:
        if self.status == SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total > 0 else 0
