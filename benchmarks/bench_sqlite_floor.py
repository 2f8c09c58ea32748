"""What storing 1 M members costs SQLite alone on this machine: the floor under any member import.

Issue 2's target for CSV is ≥ 100,000 members/s, i.e. 1 M members in ≤ 10 s from reading the file to the commit.
This benchmark imports a synthetic registry once (households and members, through the real importer), copies the
stored member rows into a side file, empties the member table and then times only what SQLite must do to hold the
same rows again, with fupin's own connection settings (WAL, synchronous=NORMAL, foreign keys, 64 MiB cache):

1. `INSERT … SELECT` of the finished rows from the attached side file (no reading, no checks, no text parsing);
2. the member table's four secondary indexes built once (as the importer does for a first load);
3. the commit and a WAL checkpoint.

Whatever an importer does on top (reading the file, cleaning and checking every cell, the household and identity
rules, the analytics refresh) comes on top of this floor.
"""

import argparse
import tempfile
import time
from pathlib import Path

import sqlean  # type: ignore[import-untyped]

from benchmarks.common import BENCHMARK_ACTOR, Measurement, fresh_database, import_table, save
from fupin.config import load_settings
from fupin.db import SQLITE_PRAGMAS, make_engine, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.synth import DEMO_COUNTIES, generate

MEMBERS = "registry_member"


def build_registry(url: str, folder: Path, members: int) -> None:
    data = generate(members=members, seed=7, counties=list(DEMO_COUNTIES), year=2020)
    settings = load_settings(database_url=url, work_dir=folder)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        load_files(session=session, paths=[shipped_guizhou()], actor=BENCHMARK_ACTOR)
    import_table(engine, settings, data.households, folder / "户信息.csv")
    import_table(engine, settings, data.members, folder / "人口信息.csv")
    engine.dispose()


def floor(database: Path, side: Path) -> list[tuple[str, float]]:
    """Move the members aside, then time storing them again; returns (step, seconds) in order."""
    connection = sqlean.connect(str(database), isolation_level=None)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(f"ATTACH '{side.as_posix()}' AS side")
    connection.execute(f"CREATE TABLE side.members AS SELECT * FROM {MEMBERS}")
    connection.execute(f"DELETE FROM {MEMBERS}")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (MEMBERS,)
    ).fetchall()
    columns = ", ".join(row[1] for row in connection.execute(f"PRAGMA table_info({MEMBERS})"))
    steps: list[tuple[str, float]] = []
    connection.execute("BEGIN")
    for name, _sql in indexes:
        connection.execute(f"DROP INDEX {name}")
    start = time.perf_counter()
    connection.execute(f"INSERT INTO {MEMBERS} ({columns}) SELECT {columns} FROM side.members")
    steps.append(("insert", time.perf_counter() - start))
    for name, sql in indexes:
        start = time.perf_counter()
        connection.execute(sql)
        steps.append((f"index {name}", time.perf_counter() - start))
    start = time.perf_counter()
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    steps.append(("commit and checkpoint", time.perf_counter() - start))
    connection.execute("DETACH side")
    connection.close()
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, fresh_database("sqlite", Path(name)) as url:
        folder = Path(name)
        build_registry(url, folder, arguments.members)
        steps = floor(Path(url.removeprefix("sqlite:///")), folder / "side.db")
    seconds = sum(step for _, step in steps)
    note = "; ".join(f"{label} {step:.2f} s" for label, step in steps)
    save(
        [
            Measurement(
                f"SQLite alone: storing {arguments.members:,} finished member rows",
                "sqlite",
                arguments.members,
                seconds,
                note,
            )
        ]
    )


if __name__ == "__main__":
    main()
