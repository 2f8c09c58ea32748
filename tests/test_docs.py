"""Every error slug a user can meet is documented in docs/errors.md."""

import re
from pathlib import Path

from fupin.api.errors import VALIDATION_MESSAGES
from fupin.config import Settings
from fupin.registry.checks import MESSAGES
from fupin.web.errors import HTTP_MESSAGES

ROOT = Path(__file__).resolve().parents[1]
# Problem("slug", …) literals, and the families of slugs built by helpers (division-…, rule-…).
SLUG_LITERAL = re.compile(r"""Problem\(\s*["']([a-z][a-z0-9-]+)["']|["']((?:division|rule)-[a-z-]+)["']""")


def slugs_in_source() -> set[str]:
    found = (
        set(MESSAGES)
        | {slug for slug, _ in VALIDATION_MESSAGES.values()}
        | {slug for slug, _ in HTTP_MESSAGES.values()}
    )
    found.add("http-error")
    for path in (ROOT / "src" / "fupin").rglob("*.py"):
        for match in SLUG_LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_slug_is_in_the_error_catalogue() -> None:
    catalogue = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = sorted(slug for slug in slugs_in_source() if f"`{slug}`" not in catalogue)
    assert missing == []


def test_readme_names_the_test_command_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert "make test" in ci


def test_every_setting_is_documented() -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = sorted(name for name in Settings.model_fields if f"`FUPIN_{name.upper()}`" not in page)
    assert missing == []
