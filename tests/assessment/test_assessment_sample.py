"""The stored sample: reproducible by seed, with the inclusion probabilities of both stages kept per household."""

import math

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.assessment.exit_models import SampleHousehold, SampleVillage
from fupin.assessment.sample import DrawRequest, FrameRow, draw_frame, draw_sample
from fupin.assessment.sampling import sample_size
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import NotFoundError
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

ACTOR = Actor("tester", "cli")
COUNTY, OTHER_VILLAGE = "520526000000", "520526100056"
SIZES = {VILLAGE_CODE: {"已脱贫": 10, None: 6}, OTHER_VILLAGE: {"已脱贫": 6, None: 4, "未脱贫": 2}}


def build(session: Session) -> None:
    for village, statuses in SIZES.items():
        for status, count in statuses.items():
            for _ in range(count):
                make_household(session, division_code=village, poverty_status=status)


def drawn(session: Session, sample_id: int) -> list[tuple[int, str, float, float]]:
    rows = session.execute(
        select(
            SampleHousehold.household_id,
            SampleHousehold.stratum,
            SampleHousehold.village_probability,
            SampleHousehold.household_probability,
        )
        .where(SampleHousehold.sample_id == sample_id)
        .order_by(SampleHousehold.household_id)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_same_seed_gives_the_same_sample_and_the_stages_keep_their_probabilities(session: Session) -> None:
    build(session)
    request = DrawRequest(county_code=COUNTY, year=2020, seed=11, margin=0.3, villages=1)
    first = draw_sample(session=session, scope=Scope.everything(), actor=ACTOR, request=request)
    again = draw_sample(session=session, scope=Scope.everything(), actor=ACTOR, request=request)
    assert drawn(session, first.id) == drawn(session, again.id)
    village = session.scalars(select(SampleVillage).where(SampleVillage.sample_id == first.id)).one()
    total = {code: sum(counts.values()) for code, counts in SIZES.items()}
    assert village.households == total[village.division_code]
    assert village.probability == pytest.approx(total[village.division_code] / sum(total.values()))
    rows = drawn(session, first.id)
    for stratum, status in (("exited", "已脱贫"), ("non_registered", None)):
        frame = SIZES[village.division_code][status]
        county_frame = sum(counts.get(status, 0) for counts in SIZES.values())
        wanted = sample_size(expected_rate=0.5, margin=0.3, confidence=0.95, population=county_frame, design_effect=2)
        take = min(frame, math.ceil(wanted / 1))
        chosen = [row for row in rows if row[1] == stratum]
        assert len(chosen) == take
        assert {row[2] for row in chosen} == {village.probability}
        assert [row[3] for row in chosen] == pytest.approx([take / frame] * take)
    assert first.note is not None
    assert "已登记的 10 户" in first.note


def test_all_villages_drawn_are_certain_and_another_seed_draws_other_households(session: Session) -> None:
    build(session)
    every = DrawRequest(county_code=COUNTY, year=2020, seed=3, margin=0.3, villages=5)
    sample = draw_sample(session=session, scope=Scope.everything(), actor=ACTOR, request=every)
    probabilities = session.scalars(select(SampleVillage.probability).where(SampleVillage.sample_id == sample.id))
    assert sorted(probabilities) == [1.0, 1.0]
    seeds = {
        tuple(row[0] for row in drawn(session, draw_sample(
            session=session, scope=Scope.everything(), actor=ACTOR,
            request=DrawRequest(county_code=COUNTY, year=2020, seed=seed, margin=0.45, villages=2),
        ).id))
        for seed in range(4)
    }  # fmt: skip
    assert len(seeds) > 1


def test_a_county_outside_the_scope_or_a_village_code_is_not_found(session: Session) -> None:
    build(session)
    for scope, code in ((Scope.of(VILLAGE_CODE), COUNTY), (Scope.everything(), VILLAGE_CODE)):
        with pytest.raises(NotFoundError):
            draw_sample(
                session=session, scope=scope, actor=ACTOR, request=DrawRequest(county_code=code, year=2020, seed=1)
            )


def test_the_stored_probabilities_match_how_often_households_are_drawn() -> None:
    """Simulation: over many seeds each household is drawn about as often as its π₁·π₂ says."""
    sizes = {"v1": (8, 4), "v2": (4, 2), "v3": (2, 6)}  # exited, non-registered households per village
    frame, next_id = [], 0
    for village, (exited, outside) in sizes.items():
        for stratum, count in (("exited", exited), ("non_registered", outside)):
            for _ in range(count):
                next_id += 1
                frame.append(FrameRow(next_id, village, stratum, 3))
    runs = 2_000
    counts: dict[int, int] = {}
    stated: dict[int, set[float]] = {}
    for seed in range(runs):
        _, chosen = draw_frame(frame, DrawRequest(county_code=COUNTY, year=2020, seed=seed, margin=0.4, villages=1))
        for unit in chosen:
            counts[unit.household] = counts.get(unit.household, 0) + 1
            stated.setdefault(unit.household, set()).add(round(unit.probability, 9))
    for household, probabilities in stated.items():
        assert len(probabilities) == 1  # a household's probability does not depend on the draw
        expected = probabilities.pop()
        assert counts[household] / runs == pytest.approx(expected, abs=0.04), household
