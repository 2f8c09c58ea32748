"""Full assessment of a synthetic registry: every indicator for every household, verdicts stored.

Target (issue 4): 10 M members in ≤ 60 s. The registry is built first (CSV import, not timed); the timed part is
`assess` for the whole country, from the first query to the commit of the verdicts.
"""

import argparse
import tempfile
from pathlib import Path

from benchmarks.common import Measurement, fresh_database, save, timer
from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.config import load_settings
from fupin.db import make_engine, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.scope import Scope
from fupin.registry import codelists
from fupin.registry.importer import import_file
from fupin.standards.loader import load_standard_file, shipped_national
from fupin.synth import DEMO_COUNTIES, generate
from fupin.synth.writer import write_csv

ACTOR = Actor("benchmark", "system")


def run(backend: str, members: int, folder: Path) -> Measurement:
    data = generate(members=members, seed=11, counties=list(DEMO_COUNTIES), year=2020)
    files = [write_csv(data.households, folder / "户信息.csv"), write_csv(data.members, folder / "人口信息.csv")]
    del data
    with fresh_database(backend, folder) as url:
        settings = load_settings(database_url=url, work_dir=folder)
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            load_files(session=session, paths=[shipped_guizhou()], actor=ACTOR)
            load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
        for path in files:
            with unit_of_work(engine) as session:
                import_file(
                    session=session,
                    path=path,
                    actor=ACTOR,
                    settings=settings,
                    scope=Scope.everything(),
                    checkpoint=session.commit,
                )
        with timer() as elapsed, unit_of_work(engine) as session:
            result = assess(
                session=session, year=2020, scope=Scope.everything(), actor=ACTOR, lists=codelists.load(None)
            )
            households = result.households
        engine.dispose()
    note = f"{households:,} households, 5 indicators"
    return Measurement(f"assessment of {members:,} members", backend, members, elapsed[0], note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    arguments = parser.parse_args()
    for backend in arguments.backend or ["sqlite", "postgres"]:
        with tempfile.TemporaryDirectory() as folder:
            save([run(backend, arguments.members, Path(folder))])


if __name__ == "__main__":
    main()
