"""The Alkire–Foster multidimensional poverty index over a run's verdicts.

Each household is a unit weighted by its members (people are counted, as in the AF method); its deprivation score
is the weighted share of the run's indicators it fails. Poor means score ≥ k. From the identified poor:
H = q/n, A = mean score of the poor, M0 = H·A, the censored headcount of each indicator and its contribution
w_j·h_j/M0. All sums are computed in the database, grouped by any division level or household attribute, so the
index is decomposable and never loops over households in Python.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.orm import Session

from fupin.assessment.models import AssessmentRun
from fupin.divisions.codes import prefix_range
from fupin.errors import FupinError, Problem

EPSILON = 1e-9  # scores are sums of float weights: 0.1 + 0.2 must still reach k = 0.3
SUBGROUPS = {"poverty_status", "household_type", "household_attribute", "main_cause", "monitoring_category"}


@dataclass(frozen=True, slots=True)
class Mpi:
    group: str
    population: float
    poor: float
    headcount: float  # H
    intensity: float  # A
    adjusted_headcount: float  # M0
    censored_headcounts: dict[str, float]
    contributions: dict[str, float]


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    if total <= 0 or any(w < 0 for w in weights.values()):
        raise FupinError(Problem("mpi-weights", "指标权重须为非负数且总和大于0", expected="如每个指标 0.2"))
    return {code: w / total for code, w in weights.items()}


def alkire_foster(
    deprived: NDArray[np.bool_],
    weights: Sequence[float],
    k: float,
    population: NDArray[np.float64] | None = None,
    codes: Sequence[str] | None = None,
    group: str = "",
) -> Mpi:
    """The index of one group from its deprivation matrix (units × indicators) — the reference computation."""
    w = np.asarray(weights, dtype=float)
    people = np.ones(deprived.shape[0]) if population is None else population
    scores = deprived.astype(float) @ w
    poor = scores >= k - EPSILON
    names = list(codes) if codes is not None else [str(j) for j in range(len(w))]
    censored = (deprived & poor[:, None]).astype(float).T @ people
    return _finish(
        group,
        float(people.sum()),
        float(people[poor].sum()),
        float(scores[poor] @ people[poor]),
        dict(zip(names, censored.tolist(), strict=True)),
        dict(zip(names, w.tolist(), strict=True)),
    )


def _finish(
    group: str, n: float, q: float, poor_score: float, deprived_poor: dict[str, float], weights: dict[str, float]
) -> Mpi:
    headcount = q / n if n else 0.0
    intensity = poor_score / q if q else 0.0
    m0 = headcount * intensity
    censored = {code: (value / n if n else 0.0) for code, value in deprived_poor.items()}
    contributions = {code: (weights[code] * h / m0 if m0 else 0.0) for code, h in censored.items()}
    return Mpi(group, n, q, headcount, intensity, m0, censored, contributions)


def mpi_by(
    *,
    session: Session,
    run: AssessmentRun,
    k: float,
    weights: Mapping[str, float],
    level_length: int | None = None,
    subgroup: str | None = None,
    scope_prefix: str = "",
    unknown_is_deprived: bool = False,
) -> list[Mpi]:
    """The index per division unit (`level_length` digits of the code) or per household attribute, set-wise."""
    if subgroup is not None and subgroup not in SUBGROUPS:
        raise FupinError(Problem("mpi-subgroup", f"不能按「{subgroup}」分组", expected="、".join(sorted(SUBGROUPS))))
    w = normalised({code: weights[code] for code in run.indicator_codes if code in weights})
    bits = {code: 1 << run.indicator_codes.index(code) for code in w}
    masks = "(v.failed_mask | v.unknown_mask)" if unknown_is_deprived else "v.failed_mask"
    deprived = {code: f"(CASE WHEN ({masks} & {bit}) > 0 THEN 1 ELSE 0 END)" for code, bit in bits.items()}
    score = " + ".join(f"{w[code]!r} * f{j}" for j, code in enumerate(deprived))
    poor = f"(score >= {k - EPSILON!r})"
    if subgroup:
        key = f"h.{subgroup}"
    elif level_length:
        key = f"substr(v.division_code, 1, {int(level_length)})"
    else:
        key = "''"
    flags = ", ".join(f"{flag} AS f{j}" for j, flag in enumerate(deprived.values()))
    units = (
        f"SELECT {key} AS grp, v.members AS people, {flags} FROM assessment_verdict v "
        "JOIN registry_household h ON h.id = v.household_id "
        "WHERE v.run_id = :run AND v.division_code >= :low AND v.division_code < :high"
    )
    sums = ", ".join(f"SUM(CASE WHEN {poor} AND f{j} = 1 THEN people ELSE 0 END) AS d{j}" for j in range(len(deprived)))
    low, high = prefix_range(scope_prefix)
    rows = session.execute(
        text(
            f"SELECT grp, SUM(people) AS n, SUM(CASE WHEN {poor} THEN people ELSE 0 END) AS q, "
            f"SUM(CASE WHEN {poor} THEN people * score ELSE 0 END) AS poor_score, {sums} "
            f"FROM (SELECT u.*, {score} AS score FROM ({units}) u) x GROUP BY grp ORDER BY grp"
        ),
        {"run": run.id, "low": low, "high": high},
    ).all()
    codes = list(deprived)
    return [
        _finish(
            str(row.grp) if row.grp is not None else "（未填）",
            float(row.n or 0),
            float(row.q or 0),
            float(row.poor_score or 0),
            {code: float(getattr(row, f"d{j}") or 0) for j, code in enumerate(codes)},
            w,
        )
        for row in rows
    ]
