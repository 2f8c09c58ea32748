"""In Chromium: sign in, upload a synthetic file with dirty rows, watch the progress reach the end, read the counts,
download the error workbook (exactly the dirty rows), and find another user's job closed to a village cadre."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from fupin.synth import generate
from fupin.synth.writer import write_csv
from tests.browser.conftest import ConsoleWatch, Served, screenshot, sign_in

pytestmark = pytest.mark.browser


def upload(page: Page, path: Path) -> None:
    page.goto("/imports")
    page.set_input_files("#file", str(path))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/imports/*")


def wait_until_done(page: Page) -> None:
    """The page refreshes itself (a meta refresh; htmx when present) until the job has succeeded."""
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "succeeded", timeout=120_000)


def test_upload_progress_counts_and_error_workbook(page: Page, served: Served, tmp_path: Path) -> None:
    data = generate(members=200, seed=7, counties=["520526"], year=2020, dirty_share=0.1)
    households = write_csv(data.households, tmp_path / "户信息.csv")
    members = write_csv(data.members, tmp_path / "人口信息.csv")
    sign_in(page, "xian.guanli")
    page.click("text=导入")
    expect(page.locator("h1")).to_have_text("导入")
    screenshot(page, "imports.png")
    upload(page, households)
    wait_until_done(page)
    expect(page.locator("#total-rejected")).to_have_text("0")
    upload(page, members)
    expect(page.locator("progress")).to_be_visible()
    wait_until_done(page)
    faults = data.faults.num_rows
    expect(page.locator("#total-read")).to_have_text("200")
    expect(page.locator("#total-inserted")).to_have_text(str(200 - faults))
    expect(page.locator("#total-rejected")).to_have_text(str(faults))
    expect(page.get_by_text("（已核对）")).to_be_visible()
    screenshot(page, "import-job.png")
    with page.expect_download() as download:
        page.click("#error-workbook")
    saved = tmp_path / "errors.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "人口信息.错误.xlsx"
    book = CalamineWorkbook.from_path(str(saved))
    assert len(book.get_sheet_by_index(0).to_python()) - 1 == faults
    details = book.get_sheet_by_name("错误明细").to_python()
    listed = {(int(row[1]), str(row[4])) for row in details[1:]}
    assert listed == set(zip(data.faults["row"].to_pylist(), data.faults["slug"].to_pylist(), strict=True))
    page.goto("/imports")
    expect(page.locator("table")).to_contain_text("人口信息.csv")


def test_a_village_cadre_cannot_open_another_users_job(
    page: Page, served: Served, console: ConsoleWatch, tmp_path: Path
) -> None:
    data = generate(members=20, seed=3, counties=["520526"], year=2020)
    sign_in(page, "cun.ganbu")
    upload(page, write_csv(data.households, tmp_path / "户信息.csv"))
    wait_until_done(page)
    job_url = page.url
    console.expect_failure(job_url)
    console.expect_failure(job_url + "/errors.xlsx")
    page.click('form[action="/logout"] button')  # the sign-out button, not the 退出评估 menu item
    sign_in(page, "cun.ganbu2")
    answer = page.goto(job_url)
    assert answer is not None
    assert answer.status == 404
    expect(page.locator("body")).to_contain_text("找不到编号为")
    expect(page.locator("body")).not_to_contain_text("户信息.csv")
    answer = page.goto(job_url + "/errors.xlsx")
    assert answer is not None
    assert answer.status == 404
