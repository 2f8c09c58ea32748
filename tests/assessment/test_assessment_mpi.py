"""Alkire–Foster on matrices computed by hand, and the set-wise SQL equal to the reference computation."""

from datetime import date

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.assessment.models import Verdict
from fupin.assessment.mpi import alkire_foster, mpi_by
from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

G = np.array([[1, 0, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0]], dtype=bool)
EQUAL = [0.25, 0.25, 0.25, 0.25]
CODES = ["a", "b", "c", "d"]


def test_equal_weights_by_hand() -> None:
    # scores 0.5, 0, 1, 0.25; with k = 0.5 units 1 and 3 are poor.
    result = alkire_foster(G, EQUAL, 0.5, codes=CODES)
    assert (result.headcount, result.intensity, result.adjusted_headcount) == (0.5, 0.75, 0.375)
    assert result.censored_headcounts == {"a": 0.5, "b": 0.25, "c": 0.5, "d": 0.25}  # unit 4's b is censored
    assert result.contributions == pytest.approx({"a": 1 / 3, "b": 1 / 6, "c": 1 / 3, "d": 1 / 6})


def test_people_weights_by_hand() -> None:
    # households of 2, 1, 3 and 1 people: n = 7, q = 5, poor score = 2·0.5 + 3·1 = 4.
    result = alkire_foster(G, EQUAL, 0.5, population=np.array([2.0, 1.0, 3.0, 1.0]), codes=CODES)
    assert result.headcount == pytest.approx(5 / 7)
    assert result.intensity == pytest.approx(4 / 5)
    assert result.adjusted_headcount == pytest.approx(4 / 7)
    assert result.censored_headcounts == pytest.approx({"a": 5 / 7, "b": 3 / 7, "c": 5 / 7, "d": 3 / 7})


def test_unequal_weights_and_cutoffs_by_hand() -> None:
    weights = [0.5, 0.25, 0.125, 0.125]  # scores 0.625, 0, 1, 0.25
    result = alkire_foster(G, weights, 0.3, codes=CODES)
    assert (result.headcount, result.intensity, result.adjusted_headcount) == (0.5, 0.8125, 0.40625)
    assert sum(result.contributions.values()) == pytest.approx(1.0)
    union = alkire_foster(G, weights, 0.25, codes=CODES)  # the 0.25 unit now counts
    assert union.headcount == 0.75
    intersection = alkire_foster(G, weights, 1.0, codes=CODES)
    assert intersection.headcount == 0.25
    assert intersection.intensity == 1.0


def _households(session: Session) -> None:
    good = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}
    head = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}
    kid = {"relation": "之子", "birth_date": date(2010, 3, 1), "ins_resident_medical": False, "school_status": None}
    make_household(session, members=[head], income={"per_capita_net_income": 6000.0}, **good)
    make_household(session, members=[head, kid], income={"per_capita_net_income": 3000.0}, **good)
    make_household(session, members=[head, kid, kid], income={"per_capita_net_income": 3000.0}, water_safe=False)
    make_household(session, members=[head], income={"per_capita_net_income": 3500.0}, **good)
    make_household(
        session, members=[head, kid], income={"per_capita_net_income": 9000.0}, division_code="520526100056", **good
    )


def test_sql_index_equals_the_reference_and_decomposes(session: Session) -> None:
    actor = Actor("tester", "cli")
    standard = load_standard_file(session=session, path=shipped_national(), actor=actor)
    _households(session)
    run = assess(session=session, year=2020, scope=Scope.of("520526100"), actor=actor, lists=codelists.load(None))
    weights = dict.fromkeys(run.indicator_codes, 0.2)
    rows = session.execute(
        select(Verdict.failed_mask, Verdict.members, Verdict.division_code).where(Verdict.run_id == run.id)
    ).all()
    matrix = np.array([[(mask >> j) & 1 for j in range(len(run.indicator_codes))] for mask, _, _ in rows], dtype=bool)
    people = np.array([members for _, members, _ in rows], dtype=float)
    reference = alkire_foster(matrix, [0.2] * 5, 0.4, population=people, codes=run.indicator_codes)
    (overall,) = mpi_by(session=session, run=run, k=0.4, weights=weights, scope_prefix="520526")
    assert overall.adjusted_headcount == pytest.approx(reference.adjusted_headcount)
    assert overall.headcount == pytest.approx(reference.headcount)
    assert overall.censored_headcounts == pytest.approx(reference.censored_headcounts)
    assert 0 < overall.headcount < 1  # the sample has poor and non-poor people
    villages = mpi_by(session=session, run=run, k=0.4, weights=weights, level_length=12)
    assert [v.group for v in villages] == [VILLAGE_CODE, "520526100056"]
    recombined = sum(v.population * v.adjusted_headcount for v in villages) / sum(v.population for v in villages)
    assert recombined == pytest.approx(overall.adjusted_headcount)
    by_status = mpi_by(session=session, run=run, k=0.4, weights=weights, subgroup="poverty_status")
    assert sum(g.population for g in by_status) == overall.population
    assert standard.id == run.standard_set_id
    with pytest.raises(FupinError):
        mpi_by(session=session, run=run, k=0.4, weights=weights, subgroup="name; DROP TABLE x")
