"""In Chromium, over the synthetic 赫章县 registry: sign in, walk 行政区划 down to a village and read its counts, filter
农户 and open a household, edit a member with a wrong ID number (the message beside the field, nothing saved), fix it
(saved, in the page's history and in `fupin history`), and find another village closed to a village cadre by URL and
by API. The page fixture fails any test whose pages log a JavaScript or console error."""

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fupin.cli.main import app as cli
from fupin.db import make_engine
from fupin.divisions import service as divisions
from fupin.divisions.scope import Scope
from fupin.registry import service
from fupin.registry.filters import HouseholdFilter, PageRequest
from fupin.registry.idnumber import check_char
from fupin.registry.models import Household, Member
from tests.browser.conftest import DEMO_COUNTY, ConsoleWatch, Served, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def database(served: Served) -> Iterator[Engine]:
    """The served database, read by the tests to know what the pages should show."""
    engine = make_engine(served.settings.database_url)
    yield engine
    engine.dispose()


def households_in(engine: Engine, village: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(Household).where(Household.division_code == village)
        return int(session.scalar(query) or 0)


def first_household(engine: Engine, village: str, offset: int = 0) -> Household:
    with Session(engine, expire_on_commit=False) as session:
        query = select(Household).where(Household.division_code == village).order_by(Household.household_number)
        return session.scalars(query.offset(offset).limit(1)).one()


def head_of(engine: Engine, household_id: int) -> Member:
    with Session(engine, expire_on_commit=False) as session:
        query = select(Member).where(Member.household_id == household_id, Member.relation == "户主")
        return session.scalars(query).one()


def test_sign_in_and_walk_the_division_tree_down_to_a_village(page: Page, served: Served, database: Engine) -> None:
    village = served.villages[0]
    page.goto("/login")
    expect(page.locator("h1")).to_contain_text("登录")
    screenshot(page, "sign-in.png")
    sign_in(page, "hezhang")
    expect(page.locator("header .who")).to_contain_text("县级业务人员")
    page.click("nav.menu >> text=行政区划")
    expect(page.locator("h1")).to_have_text("赫章县")
    screenshot(page, "divisions.png")
    with Session(database) as session:
        chain = {unit.level: unit for unit in divisions.parent_chain(session=session, code=village)}
    page.click(f"a[href='/divisions/{chain[4].code}']")
    expect(page.locator("h1")).to_have_text(chain[4].name)
    row = page.locator("tbody tr", has=page.locator(f"td:text-is('{village}')"))
    expect(row.locator("td").nth(3)).to_have_text(f"{households_in(database, village):,}")
    row.locator(f"a[href='/dashboard/{village}']").click()
    expect(page.locator(".figures dd").first).to_have_text(f"{households_in(database, village):,}")


def matching(engine: Engine, filters: HouseholdFilter) -> int:
    """How many households of the county the service finds for the filters: what the page must say it found."""
    with Session(engine) as session:
        found = service.list_(
            session=session, scope=Scope.of(DEMO_COUNTY), filters=filters, page=PageRequest(), today=date.today()
        )
        return found.total


def search(page: Page, total: int) -> Locator:
    """Submit the filters and wait for the answer (htmx swaps <main> in place), known by its count."""
    page.click("form.filters button[type=submit]")
    expect(page.locator("main > p").filter(has_text="共")).to_contain_text(f"共 {total} 户")
    return page.locator("tbody tr")


def test_filter_households_by_village_status_and_name_then_open_one(
    page: Page, served: Served, database: Engine
) -> None:
    village = served.villages[0]
    sign_in(page, "hezhang")
    page.click("nav.menu >> text=农户")
    expect(page.locator("h1")).to_have_text("农户")
    page.fill("#village", village)
    rows = search(page, matching(database, HouseholdFilter(village=village)))
    first = rows.first
    expect(first.locator("td").nth(0)).to_contain_text(village)  # household numbers begin with the village code
    status = first.locator("td").nth(2).inner_text()
    head = first.locator("td").nth(4).inner_text()
    page.select_option("#poverty_status", status)
    page.fill("#q", head[:2])
    rows = search(page, matching(database, HouseholdFilter(village=village, poverty_status=status, text=head[:2])))
    expect(page).to_have_url(re.compile(f"/households\\?.*village={village}"))  # htmx pushes the filtered URL
    expect(page.locator("main main")).to_have_count(0)  # htmx swaps the page's <main> for the answer's, not into it
    expect(rows.first.locator("td").nth(4)).to_have_text(head)
    for index in range(rows.count()):
        expect(rows.nth(index).locator("td").nth(2)).to_have_text(status)
        expect(rows.nth(index).locator("td").nth(0)).to_contain_text(village)
    screenshot(page, "households.png")
    number = rows.first.locator("td a").inner_text()
    rows.first.locator("td a").click()
    expect(page.locator("h1")).to_have_text(f"农户 {number}")
    expect(page.locator("body")).to_contain_text(head)
    screenshot(page, "household.png")


def test_a_wrong_id_number_is_refused_beside_the_field_and_its_fix_is_saved_and_audited(
    page: Page, served: Served, database: Engine, console: ConsoleWatch
) -> None:
    household = first_household(database, served.villages[0], offset=1)
    head = head_of(database, household.id)
    wrong = head.id_number[:17] + ("0" if head.id_number[17] != "0" else "1")
    sign_in(page, "hezhang")
    page.goto(f"/households/{household.id}")
    page.click(f"a[href='/members/{head.id}/edit']")
    page.fill("#f-id_number", wrong)
    console.expect_failure(f"{served.base_url}/members/{head.id}/edit")  # the form comes back with 422
    page.click("form.card button[type=submit]")
    message = page.locator("#id_number-error")
    expect(message).to_contain_text("证件号码校验位错误")
    expect(page.locator("#f-id_number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-id_number")).to_have_value(wrong)  # the typed value comes back to be fixed
    expect(page.locator("[role=alert]").first).to_contain_text("尚未保存")
    screenshot(page, "edit-error.png", show="#f-id_number")
    assert head_of(database, household.id).id_number == head.id_number
    fixed = new_id_number(head.id_number)
    page.fill("#f-id_number", fixed)
    page.click("form.card button[type=submit]")
    expect(page.locator(".notice")).to_have_text("已保存。")
    assert head_of(database, household.id).id_number == fixed
    history = page.locator("section", has=page.locator("h2:text-is('修改历史')"))
    change = history.locator("tbody tr", has=page.locator("td:text-is('修改')"))
    expect(change).to_have_count(1)
    expect(change).to_contain_text("hezhang")
    expect(change.locator("td").nth(5)).to_contain_text(head.id_number[-4:])  # masked, but its last digits show
    expect(change.locator("td").nth(6)).to_contain_text(fixed[-4:])
    output = cli_history(served, household.household_number)
    assert "hezhang" in output
    assert f"member#{head.id}" in output
    assert f"id_number={fixed}" in output


def new_id_number(number: str) -> str:
    """The same person's number with another sequence code (same region, birth date and sex), checksum and all."""
    sequence = (int(number[14:16]) + 37) % 100
    body = f"{number[:14]}{sequence:02d}{number[16]}"
    return body + check_char(body)


def cli_history(served: Served, household_number: str) -> str:
    arguments = ["history", household_number, "--database", served.settings.database_url]
    result = CliRunner().invoke(cli, arguments, env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def test_a_village_cadre_cannot_reach_another_village_by_url_or_api(
    page: Page, served: Served, database: Engine, console: ConsoleWatch
) -> None:
    own = first_household(database, served.villages[0])
    other = first_household(database, served.villages[1])
    sign_in(page, "cun.hezhang")
    assert (page.goto(f"/households/{own.id}") or pytest.fail("no answer")).status == 200
    outside = f"{served.base_url}/households/{other.id}"
    console.expect_failure(outside)
    answer = page.goto(outside)
    assert answer is not None
    assert answer.status == 404
    expect(page.locator("body")).to_contain_text(f"农户 {other.id} 不存在或不在您的数据范围内")
    expect(page.locator("body")).not_to_contain_text(other.household_number)
    token = page.request.post("/api/v1/auth/token", data={"username": "cun.hezhang", "password": served.password})
    assert token.status == 200, token.text()
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert page.request.get(f"/api/v1/households/{own.id}", headers=bearer).status == 200
    refused = page.request.get(f"/api/v1/households/{other.id}", headers=bearer)
    assert refused.status == 404
    assert refused.json()["errors"][0]["slug"] == "household-not-found"
    assert other.household_number not in refused.text()
    listed = page.request.get(f"/api/v1/households?division={DEMO_COUNTY}&limit=100", headers=bearer).json()
    assert {item["division_code"] for item in listed["items"]} == {served.villages[0]}
