"""Keeping the verdict roll-ups (`assessment_unit_figures`, `assessment_indicator_figures`) current after a run.

At the end of a run, in its transaction: ONE pass over the run's verdicts (GROUP BY village and mask pair, then the
bit tests on those few groups) fills a small temporary table with every village's counts and Alkire–Foster sums;
the village rows of the run's year under its scope are replaced from it, then the rows of every unit above
(townships from their villages … the country from its provinces), each level one INSERT … SELECT … GROUP BY over
the level below inside the run's scope, or inside the scope's own ancestor for the levels above it. So each village's
figures are those of the latest run that covered it, and a unit's are the sum of its villages'.

Alkire–Foster, people-weighted: a household's score is the weighted share of the indicators it fails (unknown is not
deprived, as in `mpi.mpi_by`); it is poor when the score reaches k. The stored sums (people, poor people, Σ people ×
score of the poor, per indicator the censored people and weight × censored people) are additive, so H, A, M0, the
censored headcounts and the contributions of any unit are exact ratios of its row (`figures.py`).
"""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from fupin.assessment.models import AssessmentRun
from fupin.assessment.mpi import EPSILON
from fupin.db import analyze
from fupin.divisions.codes import CODE_LENGTH, NATIVE_LENGTH, prefix_range

DEFAULT_MPI_CUTOFF = 1 / 3  # k of the global MPI (UNDP/OPHI): deprived in a third of the weighted indicators
VILLAGE_LEVEL = max(NATIVE_LENGTH)
LEVEL_LENGTHS = {0: 0, **NATIVE_LENGTH}
WIDE = "fupin_verdict_villages"
FIGURES = "assessment_unit_figures"
INDICATORS = "assessment_indicator_figures"
COUNTS = (
    "households",
    "members",
    "meeting_households",
    "meeting_members",
    "failing_households",
    "failing_members",
    "undecided_households",
    "undecided_members",
    "poor_members",
    "poor_score",
)
INDICATOR_COUNTS = ("failed", "unknown", "failed_members", "censored_members", "censored_score")


def refresh(
    *, session: Session, run: AssessmentRun, weights: Mapping[str, float], k: float, now: datetime
) -> tuple[int, int]:
    """Replace the figures of the run's year under its scope by the run's, then re-roll every unit above them.

    Returns the run's households and those meeting the standard (summed from the villages, not the verdicts again).
    """
    session.flush()
    connection = session.connection()
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {WIDE}")
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {WIDE} AS {_by_village(run, weights, k)}")
    try:
        _write_villages(session, run, weights, k, now)
        for level in sorted(LEVEL_LENGTHS, reverse=True)[1:]:
            _write_units(session, year=run.year, scope_prefix=run.scope_prefix, level=level, now=now)
        totals = session.execute(text(f"SELECT sum(households), sum(meeting_households) FROM {WIDE}")).one()
        # Without statistics a dashboard's per-level read of the indicator figures walked the primary key over every
        # unit of the year (6.5 ms instead of 0.1 ms at the province).
        analyze(session, "assessment_unit_figures", "assessment_indicator_figures")
        return int(totals[0] or 0), int(totals[1] or 0)
    finally:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {WIDE}")


def _by_village(run: AssessmentRun, weights: Mapping[str, float], k: float) -> str:
    """Every village's counts and sums from the run's verdicts (numbers only, inlined: this is DDL).

    The verdicts are first grouped by village and mask pair (a village holds a handful of distinct pairs), so the
    many conditional sums run over those few groups instead of over every household.
    """
    required = int(run.required_mask)
    bits = {code: 1 << i for i, code in enumerate(run.indicator_codes)}
    failed = {code: f"(CASE WHEN (failed_mask & {bit}) <> 0 THEN 1 ELSE 0 END)" for code, bit in bits.items()}
    score = " + ".join(f"{float(weights.get(code, 0.0))!r} * {flag}" for code, flag in failed.items())
    poor = f"(score >= {k - EPSILON!r})"
    meeting = f"(((failed_mask | unknown_mask) & {required}) = 0)"
    failing = f"((failed_mask & {required}) <> 0)"
    undecided = f"((failed_mask & {required}) = 0 AND (unknown_mask & {required}) <> 0)"
    sums = [
        "sum(households) AS households",
        "sum(members) AS members",
        *_pair("meeting", meeting),
        *_pair("failing", failing),
        *_pair("undecided", undecided),
        f"sum(CASE WHEN {poor} THEN members ELSE 0 END) AS poor_members",
        f"sum(CASE WHEN {poor} THEN members * score ELSE 0 END) AS poor_score",
    ]
    for j, (code, bit) in enumerate(bits.items()):
        sums += [
            f"sum(households * {failed[code]}) AS failed_{j}",
            f"sum(CASE WHEN (unknown_mask & {bit}) <> 0 THEN households ELSE 0 END) AS unknown_{j}",
            f"sum(members * {failed[code]}) AS failed_members_{j}",
            f"sum(CASE WHEN {poor} THEN members * {failed[code]} ELSE 0 END) AS censored_members_{j}",
        ]
    pairs = (
        "SELECT division_code, failed_mask, unknown_mask, count(*) AS households, sum(members) AS members "
        f"FROM assessment_verdict WHERE run_id = {int(run.id)} GROUP BY division_code, failed_mask, unknown_mask"
    )
    scored = f"SELECT p.*, ({score}) AS score FROM ({pairs}) p"
    return f"SELECT division_code, {', '.join(sums)} FROM ({scored}) v GROUP BY division_code"


def _pair(name: str, condition: str) -> list[str]:
    return [
        f"sum(CASE WHEN {condition} THEN households ELSE 0 END) AS {name}_households",
        f"sum(CASE WHEN {condition} THEN members ELSE 0 END) AS {name}_members",
    ]


def _write_villages(
    session: Session, run: AssessmentRun, weights: Mapping[str, float], k: float, now: datetime
) -> None:
    low, high = prefix_range(run.scope_prefix)
    where = {"year": run.year, "level": VILLAGE_LEVEL, "low": low, "high": high}
    _delete(session, where)
    session.execute(
        text(
            f"INSERT INTO {FIGURES} (year, division_code, level, villages, run_id, {', '.join(COUNTS)}, mpi_cutoff, "
            f"refreshed_at) SELECT :year, division_code, :level, 1, :run, {', '.join(COUNTS)}, :k, :now FROM {WIDE}"
        ),
        {**where, "run": run.id, "k": k, "now": now},
    )
    for j, code in enumerate(run.indicator_codes):
        session.execute(
            text(
                f"INSERT INTO {INDICATORS} (year, division_code, indicator_code, level, {', '.join(INDICATOR_COUNTS)}) "
                f"SELECT :year, division_code, :code, :level, failed_{j}, unknown_{j}, failed_members_{j}, "
                f"censored_members_{j}, :weight * censored_members_{j} FROM {WIDE}"
            ),
            {**where, "code": code, "weight": float(weights.get(code, 0.0))},
        )


def _delete(session: Session, where: Mapping[str, object]) -> None:
    for table in (FIGURES, INDICATORS):
        session.execute(
            text(
                f"DELETE FROM {table} WHERE year = :year AND level = :level "
                "AND division_code >= :low AND division_code < :high"
            ),
            dict(where),
        )


def _write_units(session: Session, *, year: int, scope_prefix: str, level: int, now: datetime) -> None:
    """The rows at `level` over the run's scope (or its ancestor at that level), summed from the level below."""
    length = LEVEL_LENGTHS[level]
    low, high = prefix_range(scope_prefix[:length])
    where = {"year": year, "level": level, "below": level + 1, "low": low, "high": high, "now": now}
    _delete(session, where)
    unit = f"substr(division_code, 1, {length}) || '{'0' * (CODE_LENGTH - length)}'" if length else f"'{'0' * 12}'"
    grouped = f"GROUP BY {unit}" if length else "HAVING count(*) > 0"
    below = "year = :year AND level = :below AND division_code >= :low AND division_code < :high"
    session.execute(
        text(
            f"INSERT INTO {FIGURES} (year, division_code, level, villages, run_id, {', '.join(COUNTS)}, mpi_cutoff, "
            f"refreshed_at) SELECT :year, {unit}, :level, sum(villages), max(run_id), "
            f"{', '.join(f'sum({name})' for name in COUNTS)}, max(mpi_cutoff), :now "
            f"FROM {FIGURES} WHERE {below} {grouped}"
        ),
        where,
    )
    grouped = f"GROUP BY {unit}, indicator_code" if length else "GROUP BY indicator_code"
    session.execute(
        text(
            f"INSERT INTO {INDICATORS} (year, division_code, indicator_code, level, {', '.join(INDICATOR_COUNTS)}) "
            f"SELECT :year, {unit}, indicator_code, :level, {', '.join(f'sum({name})' for name in INDICATOR_COUNTS)} "
            f"FROM {INDICATORS} WHERE {below} {grouped}"
        ),
        where,
    )
