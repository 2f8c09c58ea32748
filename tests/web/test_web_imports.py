"""导入 pages: upload as a job, progress until the end, reconciled counts, the error workbook, limits, scope, CSRF."""

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.config import Settings
from fupin.db import make_engine
from fupin.jobs.models import Job
from fupin.registry.models import Member
from tests.factories.accounts import PASSWORD
from tests.factories.jobs import dirty_file, live_client, run_jobs, settings_for, user
from tests.factories.web import csrf_token, sign_in


@pytest.fixture
def settings(fresh_url: str, tmp_path: Path) -> Settings:
    return settings_for(fresh_url, tmp_path / "uploads", upload_max_mb=1)


def upload(client: object, path: Path, name: str | None = None, dry_run: bool = False, token: bool = True) -> object:
    page = client.get("/imports")  # type: ignore[attr-defined]
    data = {"csrf_token": csrf_token(page.text)} if token else {}
    if dry_run:
        data["dry_run"] = "true"
    files = {"file": (name or path.name, path.read_bytes(), "text/csv")}
    return client.post("/imports", data=data, files=files)  # type: ignore[attr-defined]


def test_upload_runs_as_a_job_with_counts_and_error_workbook(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    cadre = user(engine, "cun.ganbu")
    path, rejected_ids = dirty_file(tmp_path / "人口信息.csv")
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        answer = upload(client, path)
        assert answer.status_code == 303
        job_path = answer.headers["location"]
        waiting = client.get(job_path)
        assert "排队中" in waiting.text
        assert '<meta http-equiv="refresh" content="2">' in waiting.text  # follows progress without JavaScript
        assert len(run_jobs(settings)) == 1
        done = client.get(job_path)
        assert "已完成" in done.text
        assert 'http-equiv="refresh"' not in done.text
        assert 'id="total-read">8<' in done.text
        assert 'id="total-inserted">5<' in done.text
        assert 'id="total-rejected">3<' in done.text
        assert "village-out-of-scope" in done.text
        workbook = client.get(job_path + "/errors.xlsx")
        assert workbook.status_code == 200
        assert "attachment" in workbook.headers["content-disposition"]
        listing = client.get("/imports")
        assert "人口信息.csv" in listing.text
        assert "已完成" in listing.text
    saved = tmp_path / "errors.xlsx"
    saved.write_bytes(workbook.content)
    sheet = CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert sheet[0][-1] == "错误原因"
    id_column = sheet[0].index("证件号码")
    assert {str(row[id_column]) for row in sheet[1:]} == rejected_ids  # exactly the dirty rows
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 5
    engine.dispose()


def test_dry_run_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    cadre = user(engine, "shi.yunxing")
    path, _ = dirty_file(tmp_path / "m.csv")
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        job_path = upload(client, path, dry_run=True).headers["location"]  # type: ignore[attr-defined]
        run_jobs(settings)
        done = client.get(job_path)
        assert "试运行，未写入" in done.text
        assert 'id="total-inserted">5<' in done.text
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.xls", b"a,b\n1,2\n", "文件类型不支持"),
        ("m.csv", b"", "是空的"),
        ("m.xlsx", b"just text, not a zip", "不是有效的 XLSX 工作簿"),
        ("m.csv", b"PK\x03\x04\x00\x00\x00binary", "不是文本格式的 CSV"),
        ("m.csv", b"x" * (1024 * 1024 + 10), "文件太大"),
    ],
)
def test_wrong_files_are_refused_with_a_chinese_message(
    settings: Settings, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    engine = make_engine(settings.database_url)
    cadre = user(engine, "jiaoyan")
    path = tmp_path / name
    path.write_bytes(content)
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        answer = upload(client, path)
        assert answer.status_code in (413, 422)  # type: ignore[attr-defined]
        assert message in answer.text  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0
    assert not any(p.is_file() for p in settings.upload_dir.rglob("*"))  # nothing half-written is kept
    engine.dispose()


def test_upload_needs_the_form_token_and_capture_rights(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    cadre = user(engine, "csrf.cadre")
    viewer = user(engine, "du.zhan", role=Role.inspector, scope_prefix="520526")
    path, _ = dirty_file(tmp_path / "m.csv")
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        forged = upload(client, path, token=False)
        assert forged.status_code == 403  # type: ignore[attr-defined]
        assert "安全校验失败" in forged.text  # type: ignore[attr-defined]
    with live_client(settings) as client:
        sign_in(client, viewer, PASSWORD)
        assert "只能查看数据，不能导入" in client.get("/imports").text
        refused = upload(client, path)
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert "无权导入" in refused.text  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0
    engine.dispose()


def test_another_users_job_is_not_found(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    owner, other = user(engine, "owner.a"), user(engine, "other.b")
    admin = user(engine, "admin.c", role=Role.admin, scope_prefix="5205")
    path, _ = dirty_file(tmp_path / "m.csv")
    with live_client(settings) as client:
        sign_in(client, owner, PASSWORD)
        job_path = upload(client, path).headers["location"]  # type: ignore[attr-defined]
    run_jobs(settings)
    with live_client(settings) as client:
        sign_in(client, other, PASSWORD)
        for suffix in ("", "/progress", "/errors.xlsx"):
            answer = client.get(job_path + suffix)
            assert answer.status_code == 404
            assert "m.csv" not in answer.text
        assert "m.csv" not in client.get("/imports").text
    with live_client(settings) as client:
        sign_in(client, admin, PASSWORD)
        assert client.get(job_path).status_code == 200  # an administrator over the owner's scope
        assert client.get(job_path + "/errors.xlsx").status_code == 200
    engine.dispose()
