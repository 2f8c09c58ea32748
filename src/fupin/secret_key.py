"""The key that signs cookies: from FUPIN_SECRET_KEY, or generated once and kept in a 0600 file beside the database."""

import os
import secrets
import stat
from pathlib import Path

from pydantic import SecretStr

from fupin.config import Settings
from fupin.db import is_sqlite
from fupin.errors import FupinError, Location, Problem

FILE_NAME = "fupin.secret"


def key_file(settings: Settings) -> Path:
    if settings.secret_key_file is not None:
        return settings.secret_key_file
    if is_sqlite(settings.database_url) and ":memory:" not in settings.database_url:
        database = Path(settings.database_url.split(":///", 1)[1])
        return database.resolve().parent / FILE_NAME
    return Path.cwd() / FILE_NAME


def ensure_secret_key(settings: Settings) -> tuple[Settings, Path | None, bool]:
    """Settings with a key; the file it came from (None: the environment); whether it was just generated."""
    if settings.secret_key is not None:
        return settings, None, False
    path = key_file(settings)
    created = not path.exists()
    if created:
        _write_new_key(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        where = Location(field=str(path))
        raise FupinError(
            Problem("secret-key-permissions", f"密钥文件的权限过宽（{mode:o}）", where, None, "600（chmod 600）")
        )
    key = path.read_text(encoding="ascii").strip()
    return settings.model_copy(update={"secret_key": SecretStr(key)}), path, created


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
    )  # never readable by others, not even briefly
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
