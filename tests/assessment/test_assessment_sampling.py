"""The assessment sample: sizes from the margin of error, inclusion probabilities and the estimator by simulation."""

import numpy as np
import pytest

from fupin.assessment.sampling import Village, draw, estimate_rate, pps_probabilities, sample_size
from fupin.errors import FupinError


def test_sample_sizes_from_margin_and_confidence() -> None:
    assert sample_size(expected_rate=0.5, margin=0.05, confidence=0.95, population=10**9, design_effect=1) == 385
    assert sample_size(expected_rate=0.5, margin=0.05, confidence=0.95, population=1000, design_effect=1) == 278
    clustered = sample_size(expected_rate=0.02, margin=0.01, confidence=0.95, population=10**9, design_effect=2)
    assert clustered == 1506  # 1.96² · 0.02 · 0.98 / 0.01² · 2 = 1505.9
    # n0 = 1536.6, corrected 1536.6 / (1 + 1535.6 / 50) = 48.5: nearly the whole village
    assert sample_size(expected_rate=0.5, margin=0.05, confidence=0.95, population=50, design_effect=4) == 49
    with pytest.raises(FupinError):
        sample_size(expected_rate=2, margin=0.05, confidence=0.95, population=100, design_effect=1)


def test_pps_probabilities_take_out_certainty_units() -> None:
    assert pps_probabilities([10, 20, 30, 40], 2) == pytest.approx([0.2, 0.4, 0.6, 0.8])
    assert pps_probabilities([100, 10, 10], 2) == pytest.approx([1.0, 0.5, 0.5])
    assert pps_probabilities([5, 5], 3) == pytest.approx([1.0, 1.0])


def _county(seed: int = 3) -> tuple[list[Village], dict[int, float], dict[int, float]]:
    """60 villages in two strata; each household has exited people, some wrongly exited (a known truth)."""
    rng = np.random.default_rng(seed)
    villages, eligible, found = [], {}, {}
    next_id = 0
    for index in range(60):
        size = int(rng.integers(20, 200))
        rate = float(rng.uniform(0, 0.05))
        ids = list(range(next_id, next_id + size))
        next_id += size
        for household in ids:
            people = int(rng.integers(1, 7))
            eligible[household] = people
            found[household] = float(rng.binomial(people, rate))
        villages.append(Village(f"V{index:03d}", "贫困村" if index % 3 == 0 else "非贫困村", ids))
    return villages, found, eligible


def test_the_same_seed_gives_the_same_sample() -> None:
    villages, _, _ = _county()
    plan = {"贫困村": 4, "非贫困村": 6}
    assert draw(villages, villages_per_stratum=plan, households_per_village=10, seed=7) == draw(
        villages, villages_per_stratum=plan, households_per_village=10, seed=7
    )
    assert draw(villages, villages_per_stratum=plan, households_per_village=10, seed=7) != draw(
        villages, villages_per_stratum=plan, households_per_village=10, seed=8
    )


def test_inclusion_probabilities_match_the_simulated_frequencies() -> None:
    villages, _, _ = _county()
    plan = {"贫困村": 4, "非贫困村": 6}
    runs = 1500
    village_hits: dict[str, int] = {}
    household_hits: dict[int, int] = {}
    stated: dict[int, float] = {}
    for seed in range(runs):
        for unit in draw(villages, villages_per_stratum=plan, households_per_village=10, seed=seed):
            household_hits[unit.household] = household_hits.get(unit.household, 0) + 1
            stated[unit.household] = unit.probability
        for code in {
            unit.village for unit in draw(villages, villages_per_stratum=plan, households_per_village=1, seed=seed)
        }:
            village_hits[code] = village_hits.get(code, 0) + 1
    poor = [v for v in villages if v.stratum == "贫困村"]
    expected = pps_probabilities([len(v.households) for v in poor], 4)
    for village, probability in zip(poor, expected, strict=True):
        assert village_hits.get(village.code, 0) / runs == pytest.approx(probability, abs=0.05)
    for household in list(stated)[:40]:
        assert household_hits[household] / runs == pytest.approx(stated[household], abs=0.03)


def test_the_estimator_is_unbiased_and_its_interval_covers_the_truth() -> None:
    villages, found, eligible = _county()
    truth = sum(found.values()) / sum(eligible.values())
    plan = {"贫困村": 6, "非贫困村": 10}
    estimates = []
    covered = 0
    for seed in range(300):
        sample = draw(villages, villages_per_stratum=plan, households_per_village=15, seed=seed)
        estimate = estimate_rate(sample, found=found, eligible=eligible)
        assert estimate is not None
        estimates.append(estimate.rate)
        covered += estimate.low <= truth <= estimate.high
    assert float(np.mean(estimates)) == pytest.approx(truth, rel=0.08)
    assert 0.85 <= covered / 300 <= 0.995
    assert estimate_rate([], found=found, eligible=eligible) is None
