"""Our own stylesheet; front-end libraries (htmx, ECharts) will come from npm with a lock file, never from a CDN."""

from pathlib import Path

from starlette.staticfiles import StaticFiles

FOLDER = Path(__file__).parent / "static"


def static_files() -> StaticFiles:
    return StaticFiles(directory=FOLDER)
