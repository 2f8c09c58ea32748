"""The household list at scale: each filter's query timed (median of runs) and its plan shown, on a loaded database.

`uv run python -m benchmarks.bench_registry --database sqlite:////tmp/registry.db` after
`fupin synth --members 1000000 --into-database -d …` (1 M members, ~250 k households).
"""

import argparse
import statistics
import time
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks.common import Measurement, save
from fupin.db import make_engine
from fupin.divisions.scope import Scope
from fupin.registry import service
from fupin.registry.filters import Flag, HouseholdFilter, PageRequest, SortKey

TODAY = date(2026, 11, 23)


def cases(session: Session) -> dict[str, tuple[Scope, HouseholdFilter, PageRequest]]:
    village, number, name = session.execute(
        text(
            "SELECT h.division_code, m.id_number, m.name FROM registry_household h JOIN registry_member m "
            "ON m.household_id = h.id ORDER BY h.id LIMIT 1"
        )
    ).one()
    county, township = village[:6], village[:9]
    first = PageRequest()
    return {
        "province, first page": (Scope.of("52"), HouseholdFilter(), first),
        "county, first page": (Scope.of(county), HouseholdFilter(), first),
        "county, page 200": (Scope.of(county), HouseholdFilter(), PageRequest(offset=4000)),
        "county, by status, sorted by cause desc": (
            Scope.of(county),
            HouseholdFilter(poverty_status="已脱贫"),
            PageRequest(SortKey.main_cause, True),
        ),
        "township, unsafe housing": (Scope.of(township), HouseholdFilter(flags=(Flag.housing_unsafe,)), first),
        "county, no medical insurance": (Scope.of(county), HouseholdFilter(flags=(Flag.no_medical_insurance,)), first),
        "province, whole ID number": (Scope.of("52"), HouseholdFilter(text=number), first),
        "province, last 6 ID digits": (Scope.of("52"), HouseholdFilter(text=number[-6:]), first),
        "county, name prefix": (Scope.of(county), HouseholdFilter(text=name[:2]), first),
        "village cadre, first page": (Scope.of(village), HouseholdFilter(), first),
    }


def run(url: str, repeats: int) -> list[Measurement]:
    engine = make_engine(url)
    backend = "sqlite" if url.startswith("sqlite") else "postgres"
    results = []
    with Session(engine) as session:
        households = session.scalar(text("SELECT count(*) FROM registry_household WHERE deleted_at IS NULL")) or 0
        for label, (scope, filters, page) in cases(session).items():
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                found = service.list_(session=session, scope=scope, filters=filters, page=page, today=TODAY)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            note = f"{median * 1000:.1f} ms median, {max(times) * 1000:.1f} ms max, total {found.total:,}"
            results.append(Measurement(f"household list: {label}", backend, int(households), median, note))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    save(run(args.database, args.repeats))


if __name__ == "__main__":
    main()
