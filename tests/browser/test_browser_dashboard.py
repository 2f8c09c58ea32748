"""In Chromium: 首页 draws its ECharts charts (each a canvas with paint on it) for the county and for a township below,
and a village's page its trend; the page fixture fails the test on any JavaScript or console error."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, screenshot, sign_in

pytestmark = pytest.mark.browser
PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted > 2000;
}"""


def expect_drawn(page: Page, *chart_ids: str) -> None:
    """Each chart holds a canvas with at least 2,000 painted pixels (ECharts draws after the figures' JSON arrives)."""
    for chart_id in chart_ids:
        expect(page.locator(f"#{chart_id}")).to_have_class("chart drawn")
        page.wait_for_function(PAINTED, arg=chart_id)


def test_the_dashboard_draws_its_charts(page: Page, served: Served) -> None:
    sign_in(page, "hezhang")
    expect(page.locator("h1")).to_have_text("赫章县")
    expect_drawn(page, "chart-children", "chart-treemap", "chart-trend")
    screenshot(page, "dashboard.png")
    screenshot(page, "dashboard-charts.png", show="#chart-children")
    township = page.locator("section[aria-labelledby=units-below] tbody a").first
    name = township.inner_text()
    township.click()
    expect(page.locator("h1")).to_have_text(name)
    expect_drawn(page, "chart-children", "chart-treemap", "chart-trend")
    page.goto(f"/dashboard/{served.villages[0]}")
    expect(page.locator("#chart-children")).to_have_count(0)  # a village has no units below
    expect_drawn(page, "chart-trend")
