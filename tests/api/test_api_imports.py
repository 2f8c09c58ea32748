"""/api/v1 imports and jobs: 202 with the queued job, status and counts once run, the error workbook, 403 and 404."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fupin.accounts.enums import Role
from fupin.config import Settings
from fupin.db import make_engine
from tests.api.test_api_accounts import token_for
from tests.factories.jobs import dirty_file, live_client, run_jobs, settings_for, user


@pytest.fixture
def settings(fresh_url: str, tmp_path: Path) -> Settings:
    return settings_for(fresh_url, tmp_path / "uploads")


def post_file(client: TestClient, headers: dict[str, str], path: Path, **data: str) -> object:
    return client.post("/api/v1/imports", headers=headers, files={"file": (path.name, path.read_bytes())}, data=data)


def test_upload_answers_202_then_the_job_reports_counts(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    cadre, other = user(engine, "api.cadre"), user(engine, "api.other")
    path, rejected_ids = dirty_file(tmp_path / "人口信息.csv")
    with live_client(settings) as client:
        mine, theirs = token_for(client, cadre), token_for(client, other)
        answer = post_file(client, mine, path)
        assert answer.status_code == 202  # type: ignore[attr-defined]
        job = answer.json()  # type: ignore[attr-defined]
        assert (job["status"], job["kind"], job["filename"], job["dry_run"]) == (
            "queued",
            "import",
            "人口信息.csv",
            False,
        )
        run_jobs(settings)
        done = client.get(f"/api/v1/jobs/{job['id']}", headers=mine).json()
        assert done["status"] == "succeeded"
        assert done["percent"] == 100
        totals = done["result"]["totals"]
        assert (totals["read"], totals["inserted"], totals["rejected"]) == (8, 5, 3)
        assert totals["read"] == totals["inserted"] + totals["updated"] + totals["unchanged"] + totals["rejected"]
        assert done["result"]["problems"]["by_slug"]["village-out-of-scope"] == 2
        assert done["errors_url"] == f"/api/v1/jobs/{job['id']}/errors.xlsx"
        workbook = client.get(done["errors_url"], headers=mine)
        assert workbook.status_code == 200
        assert workbook.content[:2] == b"PK"
        listing = client.get("/api/v1/imports", headers=mine).json()
        assert [item["id"] for item in listing] == [job["id"]]
        assert client.get("/api/v1/imports", headers=theirs).json() == []
        for url in (f"/api/v1/jobs/{job['id']}", done["errors_url"], "/api/v1/jobs/999999"):
            missing = client.get(url, headers=theirs)
            assert missing.status_code == 404
            assert missing.json()["errors"][0]["slug"] == "job-not-found"
    assert len(rejected_ids) == 3
    engine.dispose()


def test_paging_and_refusals(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.database_url)
    cadre = user(engine, "api.pager")
    inspector = user(engine, "api.inspector", role=Role.inspector, scope_prefix="520526")
    path, _ = dirty_file(tmp_path / "m.csv")
    wrong = tmp_path / "m.txt"
    wrong.write_text("a,b\n")
    with live_client(settings) as client:
        headers = token_for(client, cadre)
        ids = [post_file(client, headers, path, dry_run="true").json()["id"] for _ in range(3)]  # type: ignore[attr-defined]
        page = client.get("/api/v1/imports", headers=headers, params={"limit": 2}).json()
        assert [item["id"] for item in page] == ids[::-1][:2]
        rest = client.get("/api/v1/imports", headers=headers, params={"limit": 2, "before_id": page[-1]["id"]}).json()
        assert [item["id"] for item in rest] == [ids[0]]
        bad = post_file(client, headers, wrong)
        assert bad.status_code == 422  # type: ignore[attr-defined]
        assert bad.json()["errors"][0] == {  # type: ignore[attr-defined]
            "slug": "upload-bad-type",
            "field": "body.file",
            "message": "文件类型不支持：「m.txt」的扩展名是「.txt」；应为：扩展名为 .csv 或 .xlsx 的文件",
        }
        missing = client.post("/api/v1/imports", headers=headers, data={"dry_run": "true"})
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["slug"] == "upload-missing"
        refused = post_file(client, token_for(client, inspector), path)
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert refused.json()["errors"][0]["slug"] == "capture-forbidden"  # type: ignore[attr-defined]
        assert client.post("/api/v1/imports", files={"file": ("m.csv", b"x")}).status_code == 401
    engine.dispose()
