"""评估 pages: start a run as a job, follow it to the end, read its counts; the household page explains its verdict;
an administrator's change of the water threshold flips a household at the next run."""

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.audit import Actor
from fupin.config import Settings
from fupin.db import make_engine
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.accounts import PASSWORD
from tests.factories.households import make_household
from tests.factories.jobs import VILLAGE_SCOPE, live_client, run_jobs, settings_for, user
from tests.factories.web import csrf_token, sign_in

HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}
GOOD = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}


@pytest.fixture
def settings(fresh_url: str, tmp_path: Path) -> Settings:
    return settings_for(fresh_url, tmp_path / "uploads")


@pytest.fixture
def homes(settings: Settings) -> dict[str, int]:
    """A household whose 30 litres a day pass the shipped 20 but not 35, and one below the income line."""
    engine = make_engine(settings.database_url)
    with Session(engine, expire_on_commit=False) as session:
        load_standard_file(session=session, path=shipped_national(), actor=Actor("tester", "cli"))
        water = make_household(
            session, members=[HEAD], income={"per_capita_net_income": 6000.0}, water_quantity_lpd=30.0, **GOOD
        )
        poor = make_household(session, members=[HEAD], income={"per_capita_net_income": 3000.0}, **GOOD)
        session.commit()
    engine.dispose()
    return {"water": water.id, "poor": poor.id}


def users(settings: Settings, *who: tuple[str, Role]) -> list[str]:
    """Users in the test village (administrators: the whole country)."""
    engine = make_engine(settings.database_url)
    try:
        return [user(engine, name, role, "" if role is Role.admin else VILLAGE_SCOPE) for name, role in who]
    finally:
        engine.dispose()


def start(client: TestClient, year: str = "2020", division: str = "") -> object:
    token = csrf_token(client.get("/assessments").text)
    return client.post("/assessments", data={"csrf_token": token, "year": year, "division": division})


def finished_run(client: TestClient, settings: Settings) -> str:
    answer = start(client)
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    job_path = answer.headers["location"]  # type: ignore[attr-defined]
    waiting = client.get(job_path)
    assert "排队中" in waiting.text
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert len(run_jobs(settings)) == 1
    done = client.get(job_path)
    assert "已完成" in done.text
    assert 'http-equiv="refresh"' not in done.text
    progress = client.get(job_path + "/progress")
    assert 'id="job-progress"' in progress.text
    return done.text.split('id="run-link" href="')[1].split('"')[0]


def figure(html: str, name: str) -> str:
    return html.split(f'id="{name}">')[1].split("<")[0]


def expect_run(html: str, *, meeting: str, failing: str, version: int) -> None:
    """Two households assessed, `meeting` of them meet the exit standard, one fails `failing`, under `version`."""
    assert (figure(html, "count-households"), figure(html, "count-meeting")) == ("2", meeting)
    assert '<td class="number failed">1</td>' in html.split(f'id="count-{failing}"')[1]
    assert f"第{version}版" in html


def expect_household(html: str, *, verdict: str, water: str) -> str:
    assert f'data-verdict="{verdict}"' in html
    assert f'id="explain-drinking_water" data-result="{water}"' in html
    return html


def test_a_run_its_counts_and_the_household_explanation_and_a_threshold_change_flips_a_household(
    settings: Settings, homes: dict[str, int]
) -> None:
    cadre, admin = users(settings, ("cun.ganbu", Role.village), ("guan.li", Role.admin))
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        run_path = finished_run(client, settings)
        expect_run(client.get(run_path).text, meeting="1", failing="income", version=1)
        household = expect_household(client.get(f"/households/{homes['water']}").text, verdict="meets", water="met")
        assert "供水量（升/人·日）：30.0" in household
        listing = client.get("/assessments").text
        assert run_path in listing
        assert "cun.ganbu" in listing
    with live_client(settings) as client:
        sign_in(client, admin, PASSWORD)
        token = csrf_token(client.get("/standards").text)
        form = {"csrf_token": token, "code": "drinking_water", "param.water_quantity_min": "35"}
        assert client.post("/standards/indicators", data=form).status_code == 303
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        expect_run(client.get(finished_run(client, settings)).text, meeting="0", failing="drinking_water", version=2)
        household = expect_household(client.get(f"/households/{homes['water']}").text, verdict="fails", water="not_met")
        assert 'class="failed-indicator" data-code="drinking_water"' in household
        assert "历次评估（2 次）" in household
        assert "guan.li" in client.get("/standards").text.split('id="versions"')[1]


def test_a_division_outside_the_scope_is_not_found_and_lookers_cannot_start(
    settings: Settings, homes: dict[str, int]
) -> None:
    cadre, viewer = users(settings, ("cun.ganbu", Role.village), ("kan.kan", Role.viewer))
    with live_client(settings) as client:
        sign_in(client, cadre, PASSWORD)
        outside = start(client, division="520526100056")
        assert outside.status_code == 404  # type: ignore[attr-defined]
        assert 'id="division-error"' in outside.text  # type: ignore[attr-defined]
        bad_year = start(client, year="两千")
        assert bad_year.status_code == 422  # type: ignore[attr-defined]
        assert 'id="year-error"' in bad_year.text  # type: ignore[attr-defined]
        assert run_jobs(settings) == []
    with live_client(settings) as client:
        sign_in(client, viewer, PASSWORD)
        page = client.get("/assessments")
        assert 'id="start-form"' not in page.text
        assert start(client).status_code == 403  # type: ignore[attr-defined]
