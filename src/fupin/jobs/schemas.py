"""The job as the API shows it: status, progress, and for a finished import its counts and problems summary."""

from typing import Any

from pydantic import BaseModel, Field

from fupin.jobs.models import Job
from fupin.types import UtcDateTime


class JobOut(BaseModel):
    id: int
    kind: str = Field(description="任务类型，如 import（导入）")
    status: str = Field(description="queued（排队中）、running（进行中）、succeeded（已完成）或 failed（失败）")
    status_label: str
    phase: str | None = Field(description="当前阶段，如 校验、写入")
    done: int
    total: int
    percent: int
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    error: str | None = Field(description="失败原因（中文）")
    filename: str | None = Field(description="导入任务：上传的文件名")
    dry_run: bool | None = Field(description="导入任务：是否只校验、不写入")
    result: dict[str, Any] | None = Field(
        description="导入任务完成后：totals（读取=新增+修改+未变+拒绝）、sheets、problems（按错误代码计数及前20条）"
    )
    errors_url: str | None = Field(description="错误工作簿的下载地址（有被拒绝的行时）")

    @classmethod
    def of(cls, job: Job, errors_url: str | None) -> "JobOut":
        parameters = job.parameters or {}
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            status_label=job.status_label,
            phase=job.phase,
            done=job.done,
            total=job.total,
            percent=job.percent,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error=job.error,
            filename=parameters.get("filename"),
            dry_run=parameters.get("dry_run"),
            result=job.result,
            errors_url=errors_url if job.result and job.result.get("error_workbook") else None,
        )
