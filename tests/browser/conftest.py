"""Browser tests: Debian's Chromium (never a downloaded browser) driven by Playwright against the real app, served by
uvicorn in a background thread with its job worker thread, over an SQLite file and a PostgreSQL database.

Without /usr/bin/chromium these tests skip and say why; with FUPIN_REQUIRE_BROWSER=1 (CI) they fail instead.
Every page a test opens is watched: a JavaScript error or a console error fails the test. The database holds a
synthetic registry of 赫章县 (a fixed seed) for the registry tests; the import tests upload into 威宁县.
FUPIN_SCREENSHOTS=1 refreshes docs/screenshots/ (1280×800 PNGs).
"""

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fupin import migrate
from fupin.accounts.enums import Role
from fupin.audit import Actor
from fupin.config import Settings
from fupin.db import make_engine, unit_of_work
from fupin.divisions.scope import Scope
from fupin.registry.importer import import_file
from fupin.registry.models import Household
from fupin.synth import generate
from fupin.synth.writer import write_csv
from fupin.web.app import create_app
from tests.backends import fresh_database
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.divisions import seed_guizhou
from tests.factories.jobs import VILLAGE_SCOPE, settings_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REQUIRE_BROWSER = os.environ.get("FUPIN_REQUIRE_BROWSER") == "1"
SCREENSHOTS = os.environ.get("FUPIN_SCREENSHOTS") == "1"  # FUPIN_SCREENSHOTS=1 refreshes docs/screenshots/
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
DEMO_COUNTY = "520527"  # 赫章县: the synthetic registry the registry tests browse, apart from the import tests' 威宁县
DEMO_SEED = 2020  # fixed, so the data (and the screenshots) are the same at every run
DEMO_MEMBERS = 3000
USERS = {  # username: (role, scope)
    "xian.guanli": (Role.county, "520526"),
    "cun.ganbu": (Role.village, VILLAGE_SCOPE),
    "cun.ganbu2": (Role.village, VILLAGE_SCOPE),
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright against the served app")


@dataclass(frozen=True, slots=True)
class Served:
    base_url: str
    settings: Settings
    villages: tuple[str, str]  # the demo registry's two villages with the most households, busiest first
    password: str = PASSWORD


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message + " and FUPIN_REQUIRE_BROWSER=1 makes browser tests mandatory")
        pytest.skip(message + "; browser tests skipped (FUPIN_REQUIRE_BROWSER=1 fails instead)")
    driver: Playwright = sync_playwright().start()
    launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()
    driver.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def served(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A migrated database with the Guizhou divisions and the test users, and the app serving it on loopback."""
    folder = tmp_path_factory.mktemp(f"served-{backend}")
    with fresh_database(backend, folder) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        seed_guizhou(engine)
        settings = settings_for(
            url, folder / "uploads", worker_threads=1, job_poll_seconds=0.2, job_progress_seconds=0.2
        )
        load_demo_registry(engine, settings)
        villages = busiest_villages(engine)
        with Session(engine) as session:
            for username, (role, scope) in {**USERS, **demo_users(villages[0])}.items():
                make_user(session, username=username, role=role, scope_prefix=scope, full_name="测试用户")
        engine.dispose()
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the app did not start within 30 s"
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", settings, villages)
        server.should_exit = True  # the lifespan stops the worker thread after the job in hand
        thread.join(30)


def load_demo_registry(engine: Engine, settings: Settings) -> None:
    """The synthetic 赫章县 registry, imported the way `fupin demo` does (which also fills the per-village figures)."""
    data = generate(members=DEMO_MEMBERS, seed=DEMO_SEED, counties=[DEMO_COUNTY], year=2020)
    with tempfile.TemporaryDirectory() as folder:
        for path in (
            write_csv(data.households, Path(folder) / "户信息.csv"),
            write_csv(data.members, Path(folder) / "人口信息.csv"),
        ):
            with unit_of_work(engine) as session:
                import_file(
                    session=session,
                    path=path,
                    actor=Actor("demo", "synth"),
                    settings=settings,
                    scope=Scope.everything(),
                    checkpoint=session.commit,
                )


def busiest_villages(engine: Engine) -> tuple[str, str]:
    households = func.count(Household.id)
    query = (
        select(Household.division_code)
        .group_by(Household.division_code)
        .order_by(households.desc(), Household.division_code)
        .limit(2)
    )
    with Session(engine) as session:
        first, second = session.scalars(query).all()
    return first, second


def demo_users(village: str) -> dict[str, tuple[Role, str]]:
    return {"hezhang": (Role.county, DEMO_COUNTY), "cun.hezhang": (Role.village, village)}


@dataclass
class ConsoleWatch:
    """JavaScript errors and console errors of the pages a test opens; a test that opens a page expecting an error
    status (a 404 page) says so, and the browser's "Failed to load resource" line for that address is expected."""

    errors: list[str]
    expected_failures: set[str]

    def heard(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = str(message.location.get("url", ""))
        if message.text.startswith("Failed to load resource") and where in self.expected_failures:
            return
        self.errors.append(f"{message.text} ({where})")

    def expect_failure(self, url: str) -> None:
        self.expected_failures.add(url)


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch([], set())


@pytest.fixture
def page(browser: Browser, served: Served, console: ConsoleWatch) -> Iterator[Page]:
    context = browser.new_context(base_url=served.base_url, viewport=VIEWPORT, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    opened.on("console", console.heard)
    opened.on("pageerror", lambda error: console.errors.append(f"JavaScript error: {error}"))
    yield opened
    context.close()
    assert console.errors == [], f"the pages logged errors: {console.errors}"


def screenshot(page: Page, name: str, show: str | None = None) -> None:
    """1280×800 of the page (its top, or centred on `show`) into docs/screenshots/ when FUPIN_SCREENSHOTS=1."""
    if not SCREENSHOTS:
        return
    if show is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        page.locator(show).first.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SCREENSHOT_DIR / name))


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
