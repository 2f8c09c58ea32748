"""Our own stylesheet and script, and the front-end libraries (htmx, ECharts) that `make init` copies from npm.

The libraries come from the npm registry through package-lock.json (`npm ci`, then `npm run vendor`), never from a
CDN and never committed; without them the pages still work as plain HTML, so their absence is a warning, not an error.
"""

import logging
from pathlib import Path

from starlette.staticfiles import StaticFiles

FOLDER = Path(__file__).parent / "static"
VENDOR = FOLDER / "vendor"
VENDOR_FILES = ("htmx.min.js", "echarts.min.js")
log = logging.getLogger("fupin.web")


def static_files() -> StaticFiles:
    return StaticFiles(directory=FOLDER)


def vendor_files(folder: Path = VENDOR) -> frozenset[str]:
    """The front-end library files present; logs a warning naming the missing ones and how to get them."""
    present = frozenset(name for name in VENDOR_FILES if (folder / name).is_file())
    missing = [name for name in VENDOR_FILES if name not in present]
    if missing:
        log.warning(
            "front-end files missing in %s: %s; pages work without charts and htmx until `make init` "
            "(npm ci && npm run vendor) installs them",
            folder,
            ", ".join(missing),
        )
    return present
