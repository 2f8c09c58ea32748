"""`fupin worker --once`: a separate process runs the queued import jobs and exits."""

from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fupin.audit import Actor
from fupin.cli.main import app
from fupin.db import make_engine
from fupin.jobs import service
from fupin.jobs.models import SUCCEEDED, Job
from fupin.registry import import_job
from tests.factories.registry import family, write_csv


def test_worker_once_runs_the_queued_import(fresh_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", family("5205261000340001", 3))
    engine = make_engine(fresh_url)
    with Session(engine) as session:
        parameters = import_job.parameters(
            path=path, filename="m.csv", dry_run=False, actor=Actor("tester", "api"), capture_prefix="520526"
        )
        job = service.create(
            session=session, kind=import_job.KIND, parameters=parameters, created_by_id=None, scope_prefix="520526"
        )
        session.commit()
        job_id = job.id
    result = CliRunner().invoke(app, ["worker", "--once", "--database", fresh_url])
    assert result.exit_code == 0, result.output
    assert "已处理 1 个任务" in result.output
    with Session(engine) as session:
        done = session.get(Job, job_id)
        assert done is not None
        assert done.status == SUCCEEDED
        assert done.result is not None
        assert done.result["totals"]["inserted"] == 3
        assert done.result["error_workbook"] is None
    engine.dispose()
