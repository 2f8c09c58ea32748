"""Full assessment of a synthetic registry: every indicator for every household, verdicts and roll-ups stored.

Target (issue 4): 10 M members in ≤ 60 s. The registry is built first (CSV import, not timed) and kept for the next
run: a SQLite file under `--keep` (default /tmp/fupin-bench) or a PostgreSQL database named after the size, since
building 10 M members takes far longer than assessing them. Before each timed run the earlier runs' verdicts and
roll-ups are deleted, so every run starts alike. The timed part is `assess` for the whole country, from the first
query to the commit of the verdicts and roll-ups; the roll-up refresh alone is then timed again over the same run.
"""

import argparse
import os
import subprocess
from pathlib import Path

import pyarrow.compute as pc
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine

from benchmarks.common import POSTGRES_ADMIN_URL, Measurement, import_table, save, timer
from fupin import migrate
from fupin.assessment import rollup
from fupin.assessment.models import AssessmentRun
from fupin.assessment.service import assess, indicator_weights
from fupin.audit import Actor
from fupin.config import load_settings
from fupin.db import make_engine, unit_of_work, utcnow
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.scope import Scope
from fupin.registry import codelists
from fupin.registry.models import Household, Member
from fupin.standards import service as standards
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.synth import DEMO_COUNTIES, generate

ACTOR = Actor("benchmark", "system")
KEEP = Path(os.environ.get("FUPIN_BENCH_DIR", "/tmp/fupin-bench"))
DERIVED = ("assessment_indicator_figures", "assessment_unit_figures", "assessment_verdict", "assessment_run")


def database_url(backend: str, members: int, keep: Path) -> str:
    if backend == "sqlite":
        keep.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(keep / f'assessment-{members}.db').as_posix()}"
    name = f"fupin_bench_assessment_{members}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def build(url: str, members: int, folder: Path) -> None:
    """Load divisions, the standard and a synthetic registry of `members` people (what is there already is kept).

    Members are imported county by county: one 10 M-row file would hold the whole table in memory at once.
    """
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        if _count(engine, Member) >= members:
            return
        data = generate(members=members, seed=11, counties=list(DEMO_COUNTIES), year=2020)
        settings = load_settings(database_url=url, work_dir=folder)
        if not _count(engine, Household):
            with unit_of_work(engine) as session:
                load_files(session=session, paths=[shipped_guizhou()], actor=ACTOR)
                load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
            import_table(engine, settings, data.households, folder / "户信息.csv")
        for county in DEMO_COUNTIES:
            within = pc.starts_with(data.members.column("村代码"), county)
            import_table(engine, settings, data.members.filter(within), folder / f"人口信息-{county}.csv")
    finally:
        engine.dispose()


def _count(engine: Engine, model: type[Member] | type[Household]) -> int:
    if not inspect(engine).has_table(model.__tablename__):
        return 0
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model.__table__)) or 0)


def clear_runs(engine: Engine) -> None:
    """Delete earlier runs' verdicts and roll-ups (not timed), so each timed run writes into the same tables."""
    with engine.begin() as connection:
        for table in DERIVED:
            connection.execute(text(f"DELETE FROM {table}"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE assessment_verdict"))


def run(backend: str, members: int, keep: Path) -> list[Measurement]:
    url = database_url(backend, members, keep)
    build(url, members, keep)
    engine = make_engine(url)
    clear_runs(engine)
    load = _load()
    with timer() as elapsed, unit_of_work(engine) as session:
        result = assess(session=session, year=2020, scope=Scope.everything(), actor=ACTOR, lists=codelists.load(None))
        households, run_id = result.households, result.id
    with timer() as rolled, unit_of_work(engine) as session:
        stored = session.get(AssessmentRun, run_id)
        assert stored is not None
        items = standards.indicators(session=session, standard=standards.current(session=session))
        rollup.refresh(
            session=session, run=stored, weights=indicator_weights(items), k=rollup.DEFAULT_MPI_CUTOFF, now=utcnow()
        )
    engine.dispose()
    note = f"{households:,} households, 5 indicators, roll-ups included; load average {load}"
    return [
        Measurement(f"assessment of {members:,} members", backend, members, elapsed[0], note),
        Measurement(
            f"assessment roll-ups of {members:,} members", backend, members, rolled[0], f"refresh alone; load {load}"
        ),
    ]


def _load() -> str:
    """The machine's load average (1 min) when the timed part starts: other work shares its two cores."""
    return (
        subprocess.run(["uptime"], capture_output=True, text=True, check=False)
        .stdout.rsplit(":", 1)[-1]
        .split(",")[0]
        .strip()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--keep", type=Path, default=KEEP, help="where the SQLite registries are kept between runs")
    arguments = parser.parse_args()
    for backend in arguments.backend or ["sqlite", "postgres"]:
        measurements = run(backend, arguments.members, arguments.keep)
        for measurement in measurements:
            print(f"{measurement.name} [{backend}]: {measurement.seconds:.1f} s ({measurement.note})")
        save(measurements)


if __name__ == "__main__":
    main()
