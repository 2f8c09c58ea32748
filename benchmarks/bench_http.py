"""Load over loopback at 1 M members: the household list page, the households API, one household and the dashboard.

The database is a real registry (`fupin synth --into-database`: the nine counties, ≈ 252,000 households), built once
per backend and kept (`--reuse` takes it as it is). The server is `fupin serve --processes N` (uvicorn, two processes
by default: one per core here); this process is the client: after a warm-up it sends each case's requests from
`--concurrency` threads, each over its own keep-alive connection, and reports p50/p95/p99 of the request times and
the requests per second over the whole run. Targets: p95 ≤ 50 ms and ≥ 300 requests/s for the list page and the
API. `--source DIR` runs the server from another checkout's `src` (to measure the code before a change).
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, select, text

from benchmarks.common import POSTGRES_ADMIN_URL, Measurement, save
from fupin.accounts import credentials, service
from fupin.accounts.enums import Role
from fupin.accounts.models import User
from fupin.audit import Actor, open_changeset
from fupin.db import make_engine, unit_of_work
from fupin.divisions.scope import Scope

PASSWORD = "Qiyuan2020ok"
USER = "bench_http"


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    api: bool  # bearer token (API) or the page session cookie


def database_url(backend: str, folder: Path, members: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{(folder / f'http-{members}.db').as_posix()}"
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/fupin_bench_http_{members}"


def exists(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).exists()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.rsplit("/", 1)[1]})
    admin.dispose()
    return found is not None


def build(url: str, members: int) -> None:
    """A fresh database holding a synthetic registry of `members`, imported through the real importer."""
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = url.rsplit("/", 1)[1]
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    command = [sys.executable, "-m", "fupin.cli.main", "synth", "--members", str(members), "--into-database"]
    subprocess.run([*command, "--database", url], check=True, env=_server_env(url, None))


def token(url: str) -> str:
    """A province-wide user (created once) and a fresh API token for this run."""
    engine = make_engine(url)
    actor = Actor("benchmark", "system")
    with unit_of_work(engine) as session:
        user = session.scalars(select(User).where(User.username == USER)).first()
        if user is None:
            user = service.create(
                session=session,
                changeset=open_changeset(session=session, actor=actor),
                new=service.NewUser(USER, "省级用户", Role.admin.value, "52", PASSWORD),
                grantor=Scope.everything(),
                password_min_length=10,
            )
        raw, _ = credentials.issue_token(
            session=session,
            changeset=open_changeset(session=session, actor=actor),
            user=user,
            name="bench_http",
            now=datetime.now(),
            lifetime=timedelta(days=1),
        )
    engine.dispose()
    return raw


def _server_env(url: str, source: Path | None) -> dict[str, str]:
    env = {**os.environ, "FUPIN_SECRET_KEY": "b" * 48, "FUPIN_DATABASE_URL": url}
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def serve(url: str, port: int, source: Path | None, processes: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "fupin.cli.main", "serve", "--port", str(port), "--database", url]
    if processes > 1:
        command += ["--processes", str(processes)]
    server = subprocess.Popen(
        command, env=_server_env(url, source), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/"
    )
    for _ in range(600):  # several processes starting on a busy machine can take a minute
        try:
            httpx2.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start")


def sign_in(base: str) -> httpx2.Cookies:
    with httpx2.Client(base_url=base) as client:
        form = client.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/login", data={"username": USER, "password": PASSWORD, "next": "/", "csrf_token": csrf})
        assert answer.status_code == 303, answer.text
        return client.cookies


def load(base: str, case: Case, auth: dict[str, object], requests: int, concurrency: int) -> tuple[list[float], float]:
    """Each thread sends its share of the requests over its own connection; returns the times and the wall time."""

    def worker(count: int) -> list[float]:
        headers = auth["headers"] if case.api else {}
        cookies = None if case.api else auth["cookies"]
        with httpx2.Client(base_url=base, headers=headers, cookies=cookies, timeout=60) as client:  # type: ignore[arg-type]
            try:
                for _ in range(5):
                    assert client.get(case.path).status_code == 200, case.path
            except BaseException:
                barrier.abort()  # the other threads and the timer stop waiting instead of hanging
                raise
            barrier.wait()
            elapsed = []
            for _ in range(count):
                start = time.perf_counter()
                answer = client.get(case.path)
                elapsed.append(time.perf_counter() - start)
                assert answer.status_code == 200, (case.path, answer.status_code)
            return elapsed

    barrier = threading.Barrier(concurrency + 1)
    shares = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(worker, share) for share in shares]
        barrier.wait()
        started = time.perf_counter()
        times = [t for future in futures for t in future.result()]
        wall = time.perf_counter() - started
    return sorted(times), wall


def cases(base: str, bearer: dict[str, str]) -> list[Case]:
    first = httpx2.get(f"{base}/api/v1/households?limit=1", headers=bearer).json()["items"][0]["id"]
    return [
        Case("household list page (province)", "/households", False),
        Case("API /households (province)", "/api/v1/households", True),
        Case("household page", f"/households/{first}", False),
        Case("province dashboard page", "/", False),
    ]


def percentile(times: list[float], share: float) -> float:
    return times[min(len(times) - 1, max(0, round(share * len(times)) - 1))]


def run(backend: str, arguments: argparse.Namespace) -> list[Measurement]:
    url = database_url(backend, arguments.folder, arguments.members)
    if not (arguments.reuse and exists(url)):
        build(url, arguments.members)
    bearer = {"Authorization": f"Bearer {token(url)}"}
    port = arguments.port
    base = f"http://127.0.0.1:{port}"
    server = serve(url, port, arguments.source, arguments.processes)
    results = []
    try:
        auth = {"headers": bearer, "cookies": sign_in(base)}
        for case in cases(base, bearer):
            times, wall = load(base, case, auth, arguments.requests, arguments.concurrency)
            p50, p95, p99 = statistics.median(times), percentile(times, 0.95), percentile(times, 0.99)
            rate = len(times) / wall
            label = f"{case.name}, {arguments.members // 1_000_000} M members, {arguments.concurrency} connections"
            note = (
                f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, {rate:.0f} requests/s; "
                f"{len(times)} requests from {arguments.concurrency} threads; {arguments.processes} server processes"
                f"{arguments.note}"
            )
            results.append(Measurement(f"HTTP p95: {label}{arguments.label}", backend, len(times), p95, note))
            results.append(Measurement(f"HTTP requests/s: {label}{arguments.label}", backend, len(times), wall, note))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=600, help="per case")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one connection each")
    parser.add_argument("--processes", type=int, default=2, help="server processes (fupin serve --processes)")
    parser.add_argument("--reuse", action="store_true", help="use the database built by an earlier run as it is")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/fupin-bench"), help="where the SQLite file lives")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--source", type=Path, help="run the server from this src folder (e.g. the code before)")
    parser.add_argument("--label", default="", help="appended to the result names (e.g. ' (before)')")
    parser.add_argument("--note", default="", help="appended to the notes")
    arguments = parser.parse_args()
    arguments.folder.mkdir(parents=True, exist_ok=True)
    for backend in arguments.backend or ["sqlite", "postgres"]:
        save(run(backend, arguments))


if __name__ == "__main__":
    main()
