"""What every benchmark shares: a fresh database per backend, a timer, the machine description, the results file."""

import json
import os
import platform
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlalchemy import Engine, create_engine, text

from fupin import migrate
from fupin.audit import Actor
from fupin.config import Settings
from fupin.db import unit_of_work
from fupin.divisions.scope import Scope
from fupin.synth.writer import write_csv

if TYPE_CHECKING:
    from fupin.registry.importer import ImportResult

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FUPIN_SHARED_DIR", ROOT.parent / "shared"))  # the NBS tables live beside the repo
RESULTS = ROOT / "benchmarks" / "results.json"
BENCHMARK_ACTOR = Actor("benchmark", "system")
POSTGRES_ADMIN_URL = os.environ.get("FUPIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Measurement:
    """One timed run: what, on which backend, how many rows, how long."""

    name: str
    backend: str
    rows: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty, migrated database; the PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path.as_posix()}"
        migrate.upgrade(url)
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"fupin_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def timer() -> Iterator[list[float]]:
    """Yields a one-item list that holds the elapsed seconds once the block ends."""
    elapsed = [0.0]
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.perf_counter() - start


def save(measurements: list[Measurement]) -> None:
    """Replace this benchmark's earlier results (same name and backend) in results.json."""
    existing = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else []
    keys = {(m.name, m.backend) for m in measurements}
    kept = [item for item in existing if (item["name"], item["backend"]) not in keys]
    kept.extend(asdict(m) | {"measured": time.strftime("%Y-%m-%d")} for m in measurements)
    RESULTS.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for m in measurements:
        print(f"{m.name:40s} {m.backend:9s} {m.rows:>10,} rows {m.seconds:8.1f} s {m.rate:>10,.0f}/s {m.note}")


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = _first_line_with("/proc/cpuinfo", "model name").split(":", 1)[-1].strip()
    memory_kb = int(_first_line_with("/proc/meminfo", "MemTotal").split()[1] or 0)
    postgres = _command(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version", "test"])
    import sqlean  # type: ignore[import-untyped]

    return {
        "CPU": f"{cpu} ({os.cpu_count()} cores visible)",
        "Memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlean.sqlite_version,
        "PostgreSQL": postgres or "not reachable",
        "Disk": _command(["df", "-h", "--output=fstype,size", str(ROOT)]).splitlines()[-1].strip(),
    }


def _first_line_with(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return next((line for line in handle if line.startswith(prefix)), "")
    except OSError:
        return ""


def _command(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return ""


def import_path(engine: Engine, settings: Settings, path: Path) -> "ImportResult":
    """Import one file through the real importer, in its own transaction, as `fupin import` does."""
    from fupin.registry.importer import import_file  # the importer pulls in most of fupin; only some scripts need it

    with unit_of_work(engine) as session:
        return import_file(
            session=session,
            path=path,
            actor=BENCHMARK_ACTOR,
            settings=settings,
            scope=Scope.everything(),
            checkpoint=session.commit,
        )


def import_table(engine: Engine, settings: Settings, table: pa.Table, path: Path) -> None:
    """Write a synthetic sheet as CSV, import it, and remove the file."""
    write_csv(table, path)
    import_path(engine, settings, path)
    path.unlink()
