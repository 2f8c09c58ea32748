"""Run every benchmark, then write docs/benchmarks.md from benchmarks/results.json and this machine's description.

`python -m benchmarks.run_all --report-only` rewrites the page from the stored results without measuring again.
"""

import argparse
import json
import subprocess
import sys

from benchmarks.common import RESULTS, ROOT, machine

SCRIPTS = [
    "benchmarks.bench_divisions",
    "benchmarks.bench_import",
    "benchmarks.bench_dashboard",
    "benchmarks.bench_assessment",
    "benchmarks.bench_http",
]
TARGETS = {
    ("division import (NBS, 5 levels)", "sqlite"): "≤ 30 s",
    ("division import (NBS, 5 levels)", "postgres"): "≤ 30 s",
    ("member import from CSV (1,000,000 members)", "sqlite"): "≥ 100,000 members/s",
    ("member import from XLSX (1,000,000 members)", "sqlite"): "≥ 40,000 members/s",
    ("province dashboard page p95 (10 M members)", "postgres"): "≤ 0.1 s",
    ("province dashboard chart JSON p95 (10 M members)", "postgres"): "≤ 0.1 s",
    ("API /dashboard (province) p95 (10 M members)", "postgres"): "≤ 0.1 s",
    ("assessment of 10,000,000 members", "sqlite"): "≤ 60 s",
    ("assessment of 10,000,000 members", "postgres"): "≤ 60 s",
    **{
        (f"HTTP {kind}: {case}, 1 M members, 8 connections", backend): target
        for case in ("household list page (province)", "API /households (province)", "household page")
        for kind, target in (("p95", "≤ 0.05 s"), ("requests/s", "≥ 300"))
        for backend in ("sqlite", "postgres")
    },
}
PAGE = ROOT / "docs" / "benchmarks.md"


def report() -> str:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    lines = [
        "# Benchmarks",
        "",
        "Measured with the scripts in `benchmarks/`: `make bench`, or one script, e.g.",
        "`uv run python -m benchmarks.bench_import --members 1000000 --kind csv --backend sqlite`.",
        "Raw figures: `benchmarks/results.json`. Tests never assert times. The HTTP benchmark drives `wrk`",
        "(`apt-get install wrk`) as its client.",
        "",
        "## Machine",
        "",
        *(f"- **{key}**: {value}" for key, value in machine().items()),
        "",
        "## Results",
        "",
        "| what | database | rows | seconds | rows/s | target | met | measured | notes |",
        "|---|---|---:|---:|---:|---|---|---|---|",
    ]
    for item in results:
        target = TARGETS.get((item["name"], item["backend"]), "")
        met = _met(item, target)
        rate = item["rows"] / item["seconds"] if item["seconds"] else 0
        lines.append(
            f"| {item['name']} | {item['backend']} | {item['rows']:,} | {item['seconds']:.1f} | {rate:,.0f} | {target} "
            f"| {met} | {item['measured']} | {item['note']} |"
        )
    notes = ROOT / "benchmarks" / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def _met(item: dict[str, object], target: str) -> str:
    seconds, rows = float(str(item["seconds"])), int(str(item["rows"]))
    if target.startswith("≤"):
        return "yes" if seconds <= float(target.split()[1]) else "**no**"
    if target.startswith("≥"):
        return "yes" if rows / seconds >= float(target.split()[1].replace(",", "")) else "**no**"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report-only", action="store_true")
    if not parser.parse_args().report_only:
        for script in SCRIPTS:
            subprocess.run([sys.executable, "-m", script], check=True, cwd=ROOT)
    PAGE.write_text(report(), encoding="utf-8")
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
