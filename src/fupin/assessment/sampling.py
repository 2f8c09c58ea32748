"""The sample an independent assessment would visit, and the rates it yields with confidence intervals.

Design (domain.md §4.4; the national method's exact formulas are unconfirmed, so every choice is a parameter):
stage 1 draws villages in each stratum with probability proportional to size (systematic PPS on a random start,
so large villages are not missed and the draw is reproducible by seed); stage 2 draws households by simple random
sampling inside each drawn village. Every unit carries its inclusion probability, so weights are 1/π.
Rates are ratio estimators Σw·y / Σw·x with a variance from the spread of village totals within strata
(the usual with-replacement approximation for the first stage), giving a normal confidence interval.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from fupin.errors import FupinError, Problem


def sample_size(
    *, expected_rate: float, margin: float, confidence: float, population: int, design_effect: float
) -> int:
    """Households needed to estimate a rate within ±margin at the confidence level (finite population corrected)."""
    if not (0 < expected_rate < 1 and 0 < margin < 1 and 0 < confidence < 1 and design_effect >= 1):
        raise FupinError(
            Problem(
                "sample-parameter", "抽样参数超出范围", expected="预期比例、误差和置信度在0到1之间，设计效应不小于1"
            )
        )
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    infinite = z * z * expected_rate * (1 - expected_rate) / (margin * margin) * design_effect
    corrected = infinite / (1 + (infinite - 1) / population) if population > 0 else infinite
    return min(population, math.ceil(corrected)) if population > 0 else math.ceil(corrected)


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    stratum: str
    households: Sequence[int]  # the frame of household ids inside the village


@dataclass(frozen=True, slots=True)
class Drawn:
    village: str
    stratum: str
    household: int
    village_probability: float
    household_probability: float

    @property
    def probability(self) -> float:
        return self.village_probability * self.household_probability

    @property
    def weight(self) -> float:
        return 1.0 / self.probability


def pps_probabilities(sizes: Sequence[int], draws: int) -> NDArray[np.float64]:
    """Inclusion probabilities of systematic PPS: n·size/total, with certainty units (π ≥ 1) taken out in turn."""
    size = np.asarray(sizes, dtype=float)
    probability = np.zeros_like(size)
    certain = np.zeros(len(size), dtype=bool)
    remaining = min(draws, len(size))
    while True:
        rest = ~certain
        share = remaining * size[rest] / size[rest].sum() if size[rest].sum() > 0 else np.zeros(rest.sum())
        if (share < 1).all() or remaining == 0:
            probability[rest] = share
            break
        newly = np.flatnonzero(rest)[share >= 1]
        certain[newly] = True
        remaining -= len(newly)
    probability[certain] = 1.0
    return probability


def _systematic(probability: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.intp]:
    """Indices selected by systematic sampling on the cumulated probabilities (certainty units always in)."""
    cumulative = np.cumsum(probability)
    points = rng.uniform(0, 1) + np.arange(math.floor(cumulative[-1] + 1e-9)) if len(cumulative) else np.array([])
    return np.unique(np.searchsorted(cumulative, points, side="right"))


def draw(
    villages: Sequence[Village],
    *,
    villages_per_stratum: Mapping[str, int],
    households_per_village: int,
    seed: int,
) -> list[Drawn]:
    """The two-stage sample; the same villages, numbers and seed always give the same sample."""
    rng = np.random.default_rng(seed)
    drawn: list[Drawn] = []
    for stratum in sorted(villages_per_stratum):
        members = sorted((v for v in villages if v.stratum == stratum), key=lambda v: v.code)
        if not members:
            continue
        order = rng.permutation(len(members))  # a random order makes systematic PPS unbiased for any list order
        ordered = [members[i] for i in order]
        probability = pps_probabilities([len(v.households) for v in ordered], villages_per_stratum[stratum])
        for index in _systematic(probability, rng):
            village = ordered[int(index)]
            frame = sorted(village.households)
            take = min(households_per_village, len(frame))
            chosen = rng.choice(len(frame), size=take, replace=False) if take else np.array([], dtype=int)
            for position in sorted(int(i) for i in chosen):
                drawn.append(
                    Drawn(village.code, stratum, frame[position], float(probability[index]), take / len(frame))
                )
    return drawn


@dataclass(frozen=True, slots=True)
class Estimate:
    rate: float
    low: float
    high: float
    standard_error: float
    households: int


def estimate_rate(
    drawn: Sequence[Drawn], *, found: Mapping[int, float], eligible: Mapping[int, float], confidence: float = 0.95
) -> Estimate | None:
    """Ratio Σw·found / Σw·eligible over the sample (people found wrongly exited per exited person, …)."""
    units = [d for d in drawn if eligible.get(d.household, 0) > 0]
    if not units:
        return None
    weights = np.array([d.weight for d in units])
    y = np.array([found.get(d.household, 0.0) for d in units])
    x = np.array([eligible[d.household] for d in units])
    total_x = float(weights @ x)
    rate = float(weights @ y) / total_x
    residual = weights * (y - rate * x)
    variance = 0.0
    for stratum in {d.stratum for d in units}:
        totals: dict[str, float] = {}
        for d, r in zip(units, residual, strict=True):
            if d.stratum == stratum:
                totals[d.village] = totals.get(d.village, 0.0) + float(r)
        values = np.array(list(totals.values()))
        if len(values) > 1:
            variance += len(values) / (len(values) - 1) * float(((values - values.mean()) ** 2).sum())
    error = math.sqrt(variance) / total_x
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    return Estimate(rate, max(0.0, rate - z * error), min(1.0, rate + z * error), error, len(units))
