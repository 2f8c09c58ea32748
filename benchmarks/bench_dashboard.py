"""Province dashboard at 10 M members: p50/p95 of the page and its JSON over loopback. Target p95 ≤ 100 ms.

The aggregate tables are built at that scale directly (the brief allows it; a 10 M-member import alone takes
minutes here): every real Guizhou village gets a row whose figures are drawn so that the province totals 10 M
members (≈ 2.9 M households), the units' roll-up rows are rebuilt from them, and every unit from the country down
to the villages gets 36 months of trend rows and a year of verdict figures (the 评估结果 section), rolled up as a
run's refresh rolls them.
The server runs in its own process (uvicorn, one worker); this process signs in and sends the requests one after
another over keep-alive connections, after a warm-up.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import numpy as np
from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session

from benchmarks.common import Measurement, fresh_database, save
from fupin.accounts import credentials, service
from fupin.accounts.enums import Role
from fupin.analytics.measures import MEASURES, TREND
from fupin.analytics.service import LEVEL_LENGTHS, MONTHS, VILLAGES, refresh_rollups, unit_code
from fupin.assessment import rollup
from fupin.assessment.models import IndicatorFigures, UnitFigures
from fupin.assessment.rollup import DEFAULT_MPI_CUTOFF, VILLAGE_LEVEL
from fupin.audit import Actor, open_changeset
from fupin.db import analyze, make_engine, unit_of_work
from fupin.divisions.loader import load_files, shipped_guizhou
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope

PASSWORD = "Qiyuan2020ok"
PORT = 8765
MONTH_COUNT = 36


def build(url: str, members: int, seed: int = 2020) -> tuple[int, str]:
    """Villages' figures summing to `members`, the trend rows above them, a province user and an API token."""
    engine = make_engine(url)
    actor = Actor("benchmark", "system")
    with unit_of_work(engine) as session:
        load_files(session=session, paths=[shipped_guizhou()], actor=actor)
        codes = list(session.scalars(select(Division.code).where(Division.level == 5).order_by(Division.code)))
        rng = np.random.default_rng(seed)
        people = rng.multinomial(members, rng.dirichlet(np.full(len(codes), 8.0)))
        now = datetime(2026, 11, 23)
        rows = [_village(rng, code, int(n), now) for code, n in zip(codes, people, strict=True)]
        for start in range(0, len(rows), 5_000):
            session.execute(insert(VILLAGES), rows[start : start + 5_000])
        refresh_rollups(session=session, now=now)  # the units' roll-up rows, as every refresh keeps them
        _verdict_figures(session, rng, rows, now)
        for month in range(MONTH_COUNT):
            back = MONTH_COUNT - 1 - month
            first = datetime(now.year - (back + 12 - now.month) // 12, (now.month - 1 - back) % 12 + 1, 1)
            _month(session, first, 0.7 + 0.3 * month / MONTH_COUNT)
        user = service.create(
            session=session,
            changeset=open_changeset(session=session, actor=actor),
            new=service.NewUser("bench", "省级用户", Role.admin.value, "52", PASSWORD),
            grantor=Scope.everything(),
            password_min_length=10,
        )
        raw, _ = credentials.issue_token(
            session=session,
            changeset=open_changeset(session=session, actor=actor),
            user=user,
            name="bench",
            now=datetime.now(),
            lifetime=timedelta(days=1),
        )
        total = int(session.scalar(select(func.sum(VILLAGES.c.members))) or 0)
    engine.dispose()
    return total, raw


def _village(rng: np.random.Generator, code: str, members: int, now: datetime) -> dict[str, object]:
    households = max(int(members / 3.4), 1 if members else 0)
    row: dict[str, object] = {"division_code": code, "refreshed_at": now, "households": households, "members": members}
    for group in ("poverty_status", "main_cause", "household_type"):
        names = [m.name for m in MEASURES if m.group == group]
        row.update(
            zip(names, (int(v) for v in rng.multinomial(households, rng.dirichlet(np.ones(len(names))))), strict=True)
        )
    for m in MEASURES:
        row.setdefault(m.name, int(rng.binomial(members if m.source == "member" else households, 0.08)))
    return row


def _verdict_figures(session: Session, rng: np.random.Generator, villages: list[dict[str, Any]], now: datetime) -> None:
    """Every village's verdict figures of one year, drawn from its households and members, then the units above
    rolled up as a run's refresh rolls them (`assessment.rollup`): the page's 评估结果 section at this scale."""
    figures, indicators = [], []
    for village in villages:
        households, members = int(village["households"]), int(village["members"])
        size = members / households if households else 0.0
        failing = int(rng.binomial(households, 0.07))
        undecided = int(rng.binomial(households - failing, 0.02))
        poor = int(rng.binomial(members, 0.05))
        counts = {
            "households": households,
            "members": members,
            "meeting_households": households - failing - undecided,
            "meeting_members": members - round(failing * size) - round(undecided * size),
            "failing_households": failing,
            "failing_members": round(failing * size),
            "undecided_households": undecided,
            "undecided_members": round(undecided * size),
            "poor_members": poor,
            "poor_score": poor * 0.45,
        }
        code = village["division_code"]
        figures.append(
            {"year": VERDICT_YEAR, "division_code": code, "level": VILLAGE_LEVEL, "villages": 1, "run_id": 1}
            | counts
            | {"mpi_cutoff": DEFAULT_MPI_CUTOFF, "refreshed_at": now}
        )
        for indicator in VERDICT_INDICATORS:
            failed = int(rng.binomial(households, 0.02))
            censored = int(rng.binomial(poor, 0.3))
            indicators.append(
                {"year": VERDICT_YEAR, "division_code": code, "indicator_code": indicator, "level": VILLAGE_LEVEL}
                | {"failed": failed, "unknown": int(rng.binomial(households, 0.01))}
                | {
                    "failed_members": round(failed * size),
                    "censored_members": censored,
                    "censored_score": censored * 0.2,
                }
            )
    for table, rows in ((UnitFigures.__table__, figures), (IndicatorFigures.__table__, indicators)):
        for start in range(0, len(rows), 5_000):
            session.execute(insert(table), rows[start : start + 5_000])
    for level in sorted(LEVEL_LENGTHS, reverse=True)[1:]:
        rollup._write_units(session, year=VERDICT_YEAR, scope_prefix="", level=level, now=now)
    analyze(session, "assessment_unit_figures", "assessment_indicator_figures")


VERDICT_YEAR = 2020
VERDICT_INDICATORS = ("income", "education", "medical", "housing", "water")


def _month(session: object, when: datetime, factor: float) -> None:
    """One month of trend rows for every unit: the villages' current figures scaled, as a growing registry would."""
    for level, length in LEVEL_LENGTHS.items():
        unit = unit_code(VILLAGES.c.division_code, length)
        rows = select(
            unit,
            literal(when.strftime("%Y-%m")),
            literal(level),
            literal(when),
            *(func.cast(func.sum(VILLAGES.c[name]) * factor, VILLAGES.c[name].type) for name in TREND),
        ).group_by(unit)
        session.execute(  # type: ignore[attr-defined]
            insert(MONTHS).from_select(["division_code", "month", "level", "refreshed_at", *TREND], rows)
        )


def serve(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FUPIN_SECRET_KEY": "b" * 48, "FUPIN_DATABASE_URL": url}
    command = [sys.executable, "-m", "fupin.cli.main", "serve", "--port", str(PORT), "--database", url]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            httpx2.get(f"http://127.0.0.1:{PORT}/login", timeout=1)
            return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start")


def signed_in() -> httpx2.Client:
    client = httpx2.Client(base_url=f"http://127.0.0.1:{PORT}", follow_redirects=False)
    form = client.get("/login").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post("/login", data={"username": "bench", "password": PASSWORD, "next": "/", "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return client


def timings(client: httpx2.Client, path: str, requests: int, headers: dict[str, str] | None = None) -> list[float]:
    for _ in range(10):
        assert client.get(path, headers=headers).status_code == 200, path
    elapsed = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = client.get(path, headers=headers)
        elapsed.append(time.perf_counter() - start)
        assert answer.status_code == 200
    return elapsed


def run(backend: str, members: int, requests: int) -> list[Measurement]:
    with tempfile.TemporaryDirectory() as folder, fresh_database(backend, Path(folder)) as url:
        started = time.perf_counter()
        total, token = build(url, members)
        built = time.perf_counter() - started
        server = serve(url)
        try:
            page, api = signed_in(), httpx2.Client(base_url=f"http://127.0.0.1:{PORT}")
            bearer = {"Authorization": f"Bearer {token}"}
            cases = [
                ("province dashboard page", page, "/", None),
                ("province dashboard chart JSON", page, "/dashboard/520000000000/data", None),
                ("API /dashboard (province)", api, "/api/v1/dashboard", bearer),
                ("API /divisions/{code} (province)", api, "/api/v1/divisions/520000000000", bearer),
            ]
            shown = page.get("/").text
            assert "已评估户数" in shown, "the page shows no verdict figures"
            assert "多维贫困指数 M0" in shown
            results = []
            for name, client, path, headers in cases:
                elapsed = sorted(timings(client, path, requests, headers))
                p50, p95 = statistics.median(elapsed), elapsed[int(0.95 * len(elapsed)) - 1]
                note = (
                    f"p95 {p95 * 1000:.0f} ms, p50 {p50 * 1000:.0f} ms over {requests} sequential requests; "
                    f"{total:,} members in the aggregates (built in {built:.0f} s)"
                )
                results.append(Measurement(f"{name} p95 (10 M members)", backend, requests, p95, note))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=300)
    arguments = parser.parse_args()
    for backend in arguments.backend or ["postgres", "sqlite"]:
        save(run(backend, arguments.members, arguments.requests))


if __name__ == "__main__":
    main()
