"""Browser tests: Debian's Chromium (never a downloaded browser) driven by Playwright against the real app, served by
uvicorn in a background thread with its job worker thread, over an SQLite file and a PostgreSQL database.

Without /usr/bin/chromium these tests skip and say why; with FUPIN_REQUIRE_BROWSER=1 (CI) they fail instead.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy.orm import Session

from fupin import migrate
from fupin.accounts.enums import Role
from fupin.config import Settings
from fupin.db import make_engine
from fupin.web.app import create_app
from tests.backends import fresh_database
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.divisions import seed_guizhou
from tests.factories.jobs import VILLAGE_SCOPE, settings_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REQUIRE_BROWSER = os.environ.get("FUPIN_REQUIRE_BROWSER") == "1"
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
        with Session(engine) as session:
            for username, (role, scope) in USERS.items():
                make_user(session, username=username, role=role, scope_prefix=scope, full_name="测试用户")
        engine.dispose()
        settings = settings_for(
            url, folder / "uploads", worker_threads=1, job_poll_seconds=0.2, job_progress_seconds=0.2
        )
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the app did not start within 30 s"
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", settings)
        server.should_exit = True  # the lifespan stops the worker thread after the job in hand
        thread.join(30)


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(base_url=served.base_url, viewport={"width": 1100, "height": 720}, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
