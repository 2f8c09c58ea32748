"""Member import at scale: a synthetic national-layout registry (CSV and XLSX) into SQLite and PostgreSQL.

Targets (issue 2): CSV ≥ 100,000 members/s and XLSX ≥ 40,000 members/s into SQLite. The household file is imported
first (it is timed too); the member file is then timed from reading to commit, the number of members divided by it.
"""

import argparse
import tempfile
from pathlib import Path

from benchmarks.common import BENCHMARK_ACTOR, Measurement, fresh_database, import_path, save, timer
from fupin.config import load_settings
from fupin.db import make_engine, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.synth import DEMO_COUNTIES, generate
from fupin.synth.writer import write_csv, write_xlsx


def run(backend: str, members: int, kind: str, folder: Path) -> list[Measurement]:
    data = generate(members=members, seed=7, counties=list(DEMO_COUNTIES), year=2020)
    if kind == "csv":
        households_file = write_csv(data.households, folder / "户信息.csv")
        members_file = write_csv(data.members, folder / "人口信息.csv")
    else:
        households_file = write_xlsx(data.households, folder / "户信息.xlsx", "户信息")
        members_file = write_xlsx(data.members, folder / "人口信息.xlsx", "人口信息")
    with fresh_database(backend, folder) as url:
        settings = load_settings(database_url=url, work_dir=folder)
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            load_files(session=session, paths=[shipped_guizhou()], actor=BENCHMARK_ACTOR)
        timed = []
        for label, path, rows in (
            ("household", households_file, data.households.num_rows),
            ("member", members_file, data.members.num_rows),
        ):
            with timer() as elapsed:
                result = import_path(engine, settings, path)
            sheet = result.sheets[0]
            assert sheet.rejected == 0, sheet.problems[:3]
            assert sheet.inserted == rows
            size = f"{path.stat().st_size / 1e6:,.0f} MB"
            timed.append(
                Measurement(
                    f"{label} import from {kind.upper()} ({members:,} members)", backend, rows, elapsed[0], size
                )
            )
        engine.dispose()
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--kind", choices=["csv", "xlsx"], action="append")
    arguments = parser.parse_args()
    for kind in arguments.kind or ["csv", "xlsx"]:
        for backend in arguments.backend or ["sqlite", "postgres"]:
            with tempfile.TemporaryDirectory() as folder:
                save(run(backend, arguments.members, kind, Path(folder)))


if __name__ == "__main__":
    main()
