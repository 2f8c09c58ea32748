"""Division import: the whole NBS table (5 levels, 620,573 villages) into an empty database. Target ≤ 30 s."""

import argparse
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.common import SHARED, Measurement, fresh_database, save, timer
from fupin.audit import Actor
from fupin.db import make_engine, unit_of_work
from fupin.divisions.loader import load_files
from fupin.divisions.models import Division

FILES = [
    "level1_provinces.csv",
    "level2_prefectures.csv",
    "level3_counties.csv",
    "level4_townships.csv.gz",
    "level5_villages.csv.gz",
]


def run(backend: str) -> Measurement:
    paths = [SHARED / "data" / "divisions" / name for name in FILES]
    with tempfile.TemporaryDirectory() as folder, fresh_database(backend, Path(folder)) as url:
        engine = make_engine(url)
        with timer() as elapsed, unit_of_work(engine) as session:
            result = load_files(session=session, paths=paths, actor=Actor("benchmark", "system"))
        with unit_of_work(engine) as session:
            villages = session.scalar(select(func.count()).select_from(Division).where(Division.level == 5))
        engine.dispose()
    # The source carries 5 pseudo rows whose parent is themselves (东莞, 中山, 儋州 as counties; 金门 as township and
    # village); they are refused with their reason, every other row is stored.
    assert {problem.slug for problem in result.problems} <= {"division-self-parent"}, result.problems[:5]
    assert result.read == result.inserted + result.rejected
    note = f"{result.inserted:,} units stored ({villages:,} villages), {result.rejected} pseudo rows refused"
    return Measurement("division import (NBS, 5 levels)", backend, result.read, elapsed[0], note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    backends = parser.parse_args().backend or ["sqlite", "postgres"]
    save([run(backend) for backend in backends])


if __name__ == "__main__":
    main()
