"""The app factory: `create_app(settings)` builds the JSON API under /api/v1 and the pages over one database."""

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import Depends, FastAPI

from fupin.api.router import router as api_router
from fupin.config import Settings, load_settings
from fupin.db import make_engine, make_sessionmaker, reader, utcnow, writer
from fupin.errors import FupinError, Location, Problem
from fupin.job_kinds import HANDLERS
from fupin.jobs.worker import Worker
from fupin.web import (
    accounts,
    assessment,
    divisions,
    errors,
    exit,
    home,
    imports,
    registry,
    registry_edit,
    sampling,
    signin,
    standards,
)
from fupin.web.deps import verify_csrf
from fupin.web.render import templates
from fupin.web.routing import skip_outside_prefixes
from fupin.web.static_files import static_files, vendor_files

API_PREFIX = "/api/v1"


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    """Refuses to start without a secret key: a default one would let anyone forge session cookies."""
    if settings.secret_key is None or len(settings.secret_key.get_secret_value()) < 32:
        expected = "至少32个字符的随机字符串（fupin serve 会自动生成）"
        raise FupinError(
            Problem("secret-key-missing", "未设置密钥或密钥太短", Location(field="FUPIN_SECRET_KEY"), None, expected)
        )
    # The pool holds a connection for every request a process serves at once: a connection opened per request
    # would re-read the schema (SQLite) or log in again (PostgreSQL) each time.
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    reading = reader(engine, pool_size=settings.database_pool_size)

    workers = [Worker(engine=engine, settings=settings, handlers=HANDLERS) for _ in range(settings.worker_threads)]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for worker in workers:
            worker.start()
        # The application's own objects (routes, models, templates, compiled statements) live as long as the process:
        # out of the collector's reach, the full collections that requests trigger no longer walk them each time.
        gc.freeze()
        yield
        gc.unfreeze()
        for worker in workers:
            worker.stop()  # each finishes the job in hand; a job cut short is taken up again once stale
        engine.dispose()
        reading.dispose()

    app = FastAPI(
        title="fupin（扶贫）",
        summary="精准扶贫与防返贫动态监测信息系统 API",
        version="0.1.0",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.sessionmaker = make_sessionmaker(writer(engine))  # writing requests; see api.deps.look_up_principal
    app.state.read_sessionmaker = make_sessionmaker(reading)
    app.include_router(api_router, prefix=API_PREFIX)
    pages_routers = (
        signin.router, home.router, accounts.router, divisions.router, registry.router, registry_edit.router,
        standards.router, assessment.router,
    )  # fmt: skip
    for pages in pages_routers:
        app.include_router(pages, dependencies=[Depends(verify_csrf)], include_in_schema=False)
    for uploading in (imports.router, exit.router, sampling.router):  # pages that take uploads
        app.include_router(
            uploading,
            dependencies=[Depends(imports.upload_limit), Depends(verify_csrf)],
            include_in_schema=False,
        )
    app.mount("/static", static_files(), name="static")
    skip_outside_prefixes(app)
    templates.env.globals["vendor"] = vendor_files()  # base.html links only the library files that are there
    errors.install(app)
    return app


def app_from_environment() -> FastAPI:
    """The app of one server process among several (`fupin serve --processes N`): its settings from the environment,
    which `fupin serve` filled in before starting the processes."""
    return create_app(load_settings())
