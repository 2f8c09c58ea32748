"""In Chromium, over the synthetic 赫章县 registry, as an administrator: assess a village as a job, raise the water
indicator's threshold on the 扶贫标准 page, assess again, and see a household built to sit between the two thresholds
flip from meeting the exit standard to failing 饮水安全: on the run page, on the household page, in the dashboards'
评估结果 (the village's and the country's), and with the standard's change (who, old → new) in the version history.
The page fixture fails on any console error."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.assessment.service import explain
from fupin.audit import Actor
from fupin.db import make_engine, writer
from fupin.registry import codelists
from fupin.registry.models import Household
from fupin.standards import service as standards
from fupin.standards.loader import load_standard_file, shipped_national
from tests.browser.conftest import Served, screenshot, sign_in
from tests.factories.accounts import make_user

pytestmark = pytest.mark.browser
ADMIN = "guan.li"
YEAR = 2020


@pytest.fixture
def database(served: Served) -> Iterator[Engine]:
    engine = make_engine(served.settings.database_url)
    yield engine
    engine.dispose()


def water_threshold(engine: Engine) -> float:
    """The current standard's water threshold, loading the shipped standard and an administrator first if needed.

    Reads then writes while the served app writes too (sign-ins, jobs): on SQLite only a transaction that takes the
    write lock at BEGIN waits for it; a deferred one whose snapshot went stale fails at once with "database is locked".
    """
    with Session(writer(engine)) as session:
        if standards.find_current(session=session) is None:
            load_standard_file(session=session, path=shipped_national(), actor=Actor("browser-test", "cli"))
        if session.scalar(select(User.id).where(User.username == ADMIN)) is None:
            make_user(session, username=ADMIN, role=Role.admin, scope_prefix="", full_name="系统管理员")
        items = standards.indicators(session=session, standard=standards.current(session=session))
        session.commit()
        water = next(item for item in items if item.code == "drinking_water")
        return float(water.parameters["water_quantity_min"])  # type: ignore[arg-type]


def household_between(engine: Engine, village: str, litres: float) -> int:
    """A household of the village that meets every indicator, given `litres` a day: more than today's threshold."""
    lists = codelists.load(None)
    with Session(writer(engine)) as session:  # reads then writes: see water_threshold
        households = session.scalars(
            select(Household).where(Household.division_code == village).order_by(Household.household_number)
        ).all()
        chosen = next(
            h.id for h in households
            if all(e.outcome.value for e in explain(session=session, household=h, year=YEAR, lists=lists))
        )  # fmt: skip
        session.execute(update(Household).where(Household.id == chosen).values(water_quantity_lpd=litres))
        session.commit()
    return chosen


def assess_village(page: Page, village: str) -> tuple[int, int]:
    """Start a run from the 评估 page, follow the job to its end, open the run: (meeting, failing 饮水安全)."""
    page.goto("/assessments")
    page.fill("#year", str(YEAR))
    page.fill("#division", village)
    page.click("#start-form button[type=submit]")
    page.wait_for_url("**/assessments/jobs/*")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "succeeded", timeout=120_000)
    page.click("#run-link")
    page.wait_for_url("**/assessments/runs/*")
    meeting = int(page.locator("#count-meeting").inner_text())
    failing = int(page.locator("#count-drinking_water .failed").inner_text())
    return meeting, failing


def dashboard_meeting(page: Page, path: str) -> int:
    """The households meeting the exit standard in the 评估结果 section of a dashboard page."""
    page.goto(path)
    figure = page.locator('section[aria-labelledby=verdicts] dl.figures div:has(dt:text-is("达到退出标准")) dd')
    return int("".join(character for character in figure.inner_text() if character.isdigit()))


def test_raising_the_water_threshold_flips_a_household_at_the_next_run(
    page: Page, served: Served, database: Engine
) -> None:
    village = served.villages[1]
    threshold = water_threshold(database)
    household = household_between(database, village, threshold + 10)
    sign_in(page, ADMIN)
    meeting, failing = assess_village(page, village)
    assert meeting >= 1
    assert dashboard_meeting(page, f"/dashboard/{village}") == meeting
    country_meeting = dashboard_meeting(page, "/")
    page.goto(f"/households/{household}")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "meets")
    expect(page.locator("#explain-drinking_water")).to_have_attribute("data-result", "met")

    page.click("nav.menu >> text=扶贫标准")
    expect(page.locator("h1")).to_have_text("扶贫标准")
    page.click("text=修改「饮水安全有保障」")
    raised = threshold + 15
    page.fill("#drinking_water-water_quantity_min", str(raised))
    page.click("#form-drinking_water button[type=submit]")
    page.wait_for_url("**/standards?saved=*")
    expect(page.locator("p.notice[role=status]")).to_contain_text("已保存为第")
    expect(page.locator("#indicator-drinking_water .parameter")).to_have_text(str(raised))
    latest = page.locator("#versions tbody tr").first
    expect(latest).to_contain_text(ADMIN)
    expect(latest).to_contain_text(f"water_quantity_min {threshold} → {raised}")
    screenshot(page, "standards.png", show="#versions")

    after_meeting, after_failing = assess_village(page, village)
    assert (after_meeting, after_failing) == (meeting - 1, failing + 1)
    screenshot(page, "assessment-run.png")
    assert dashboard_meeting(page, f"/dashboard/{village}") == after_meeting
    assert dashboard_meeting(page, "/") == country_meeting - 1  # the roll-ups above the village follow the run
    screenshot(page, "dashboard-verdicts.png", show="section[aria-labelledby=verdicts]")
    page.goto(f"/households/{household}")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "fails")
    expect(page.locator(".failed-indicator")).to_have_attribute("data-code", "drinking_water")
    expect(page.locator("#explain-drinking_water")).to_have_attribute("data-result", "not_met")
    expect(page.locator("#explanation")).to_contain_text(f"供水量（升/人·日）：{threshold + 10}")
    screenshot(page, "household-assessment.png", show="#assessment")
