"""Load over loopback at 1 M members: the household list page, the households API, one household and the dashboard.

The database is a real registry (`fupin synth --into-database`: the nine counties, ≈ 252,000 households) with the
national standard loaded and a 2020 assessment run, built once per backend and kept (`--reuse` takes it as it is).
The server is `fupin serve --processes N` (uvicorn, two processes by default: one per core here), started and waited
for until every process has said it is ready. The client is `wrk` (Debian's package `wrk`), a second process written
in C: a Python client on the same two cores took a good share of the CPU the server needed. For each case it warms
up, then keeps `--concurrency` keep-alive connections busy for `--seconds` and reports p50/p95/p99 of the request
times and the requests per second; the cases run in `--rounds` interleaved rounds and the round with the median rate
is reported (this virtual machine's speed varies by the minute, so one round can land in a slow spell). Targets:
p95 ≤ 50 ms and ≥ 300 requests/s for the list page, the API and one household's page. `--source DIR` runs the server
from another checkout's `src`.
"""

import argparse
import os
import subprocess
import sys
import time
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
    fupin = [sys.executable, "-m", "fupin.cli.main"]
    # The registry, the national standard and a 2020 assessment, as `fupin demo` leaves them: a household's page then
    # shows its verdict and explains it indicator by indicator, as it does for users.
    for command in (
        ["synth", "--members", str(members), "--into-database"],
        ["standards", "load"],
        ["assess", "--year", "2020"],
    ):
        subprocess.run([*fupin, *command, "--database", url], check=True, env=_server_env(url, None))


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


def serve(url: str, port: int, source: Path | None, processes: int, log: Path) -> subprocess.Popen[bytes]:
    """`fupin serve`, once every one of its processes has started its application (uvicorn logs each start): a
    process still starting would leave the other to take every connection the client opens."""
    command = [sys.executable, "-m", "fupin.cli.main", "serve", "--port", str(port), "--database", url]
    if processes > 1:
        command += ["--processes", str(processes)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=_server_env(url, source), stdout=output, stderr=output, cwd="/")
    for _ in range(600):  # several processes starting on a busy machine can take a minute
        if log.read_text(errors="replace").count("Application startup complete") >= processes:
            return server
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"the server did not start: see {log}")


def sign_in(base: str) -> str:
    """The session cookie of the benchmark user, as a Cookie header value."""
    with httpx2.Client(base_url=base) as client:
        form = client.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/login", data={"username": USER, "password": PASSWORD, "next": "/", "csrf_token": csrf})
        assert answer.status_code == 303, answer.text
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


# wrk reports through this script: latency percentiles in microseconds, and every answer that was not a 2xx/3xx.
REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def load(base: str, case: Case, header: str, seconds: int, concurrency: int, script: Path) -> Load:
    """A warm-up, then `concurrency` connections each sending the next request as soon as the last one is answered."""
    target = base + case.path
    name, value = header.split(": ", 1)
    answer = httpx2.get(target, headers={name: value})  # wrk would count a redirect to the sign-in page as success
    if answer.status_code != 200:
        raise RuntimeError(f"{case.path}: {answer.status_code} before the load")
    wrk = ["wrk", "--threads", "1", "--connections", str(concurrency), "--header", header, "--script", str(script)]
    subprocess.run([*wrk, "--duration", "3s", target], check=True, capture_output=True)
    output = subprocess.run([*wrk, "--duration", f"{seconds}s", target], check=True, capture_output=True, text=True)
    line = next(line for line in output.stdout.splitlines() if line.startswith("RESULT"))
    requests, micros, p50, p95, p99, failed = (int(value) for value in line.split()[1:])
    if failed:
        raise RuntimeError(f"{case.path}: {failed} requests failed or were refused\n{output.stdout}")
    return Load(requests, micros / 1e6, p50 / 1e6, p95 / 1e6, p99 / 1e6)


def cases(base: str, bearer: dict[str, str]) -> list[Case]:
    first = httpx2.get(f"{base}/api/v1/households?limit=1", headers=bearer).json()["items"][0]["id"]
    return [
        Case("household list page (province)", "/households", False),
        Case("API /households (province)", "/api/v1/households", True),
        Case("household page", f"/households/{first}", False),
        Case("province dashboard page", "/", False),
    ]


def run(backend: str, arguments: argparse.Namespace) -> list[Measurement]:
    url = database_url(backend, arguments.folder, arguments.members)
    if not (arguments.reuse and exists(url)):
        build(url, arguments.members)
    bearer = {"Authorization": f"Bearer {token(url)}"}
    port = arguments.port
    base = f"http://127.0.0.1:{port}"
    script = arguments.folder / "wrk-report.lua"
    script.write_text(REPORT)
    server = serve(url, port, arguments.source, arguments.processes, arguments.folder / f"serve-{backend}.log")
    results = []
    try:
        cookie = f"Cookie: {sign_in(base)}"
        rounds: dict[Case, list[Load]] = {}
        probes: list[float] = []
        for _ in range(arguments.rounds):  # rounds interleave the cases, so a slow spell of the machine hits them all
            probes.append(speed_probe())
            for case in cases(base, bearer):
                header = f"Authorization: {bearer['Authorization']}" if case.api else cookie
                rounds.setdefault(case, []).append(
                    load(base, case, header, arguments.seconds, arguments.concurrency, script)
                )
        speeds = "/".join(f"{probe:.2f}" for probe in probes)
        for case, loads in rounds.items():
            results += _measurements(backend, case, loads, arguments, f"; speed probe per round {speeds} s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def speed_probe() -> float:
    """Seconds for 10 M additions in Python on an idle server: this virtual machine's speed changes by the minute
    (0.8 to 1.3 s seen within one quarter of an hour), so each round's figures come with the speed it ran at."""
    start, total = time.perf_counter(), 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - start


def _measurements(
    backend: str, case: Case, loads: list[Load], arguments: argparse.Namespace, speeds: str
) -> list[Measurement]:
    """The round with the median rate stands for the case; the note lists every round."""
    found = sorted(loads, key=lambda load: load.rate)[len(loads) // 2]
    label = f"{case.name}, {arguments.members // 1_000_000} M members, {arguments.concurrency} connections"
    every = ", ".join(f"{load.rate:.0f}/s p95 {load.p95 * 1000:.0f} ms" for load in loads)
    note = (
        f"p50 {found.p50 * 1000:.0f} ms, p95 {found.p95 * 1000:.0f} ms, p99 {found.p99 * 1000:.0f} ms, "
        f"{found.rate:.0f} requests/s (median of {len(loads)} rounds: {every}); {found.requests} requests over "
        f"{found.seconds:.0f} s from wrk with {arguments.concurrency} connections; {arguments.processes} server "
        f"processes{speeds}{arguments.note}"
    )
    name = f"{label}{arguments.label}"
    return [
        Measurement(f"HTTP p95: {name}", backend, found.requests, found.p95, note),
        Measurement(f"HTTP requests/s: {name}", backend, found.requests, found.seconds, note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15, help="how long each case is measured, after a warm-up")
    parser.add_argument("--rounds", type=int, default=3, help="each case this often; the median round is reported")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections, each kept busy")
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
