"""Verdict roll-ups of hand-built verdicts, exact at village, township, county and country, and their MPI."""

from datetime import date

import numpy as np
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from fupin.assessment import figures, rollup
from fupin.assessment.mpi import alkire_foster
from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry import codelists
from fupin.registry.models import Income
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.assessment import CODES, VERDICTS, WEIGHTS, A, B, K, stored_run
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE


def _read(session: Session, code: str, scope: Scope | None = None) -> figures.VerdictFigures:
    found = figures.of_unit(session=session, scope=scope or Scope.everything(), code=code, year=2020)
    assert found is not None, code
    return found


def _counts(found: figures.VerdictFigures) -> tuple[int, ...]:
    return tuple(found.counts[name] for name in figures.COUNT_NAMES)


def _by_code(found: figures.VerdictFigures) -> dict[str, tuple[int, int, int, int]]:
    return {i.code: (i.failed, i.unknown, i.failed_members, i.censored_members) for i in found.indicators}


def test_counts_are_exact_at_every_level(session: Session) -> None:
    stored_run(session, "", VERDICTS)
    # households, members, meeting h/m, failing h/m, undecided h/m, poor members
    assert _counts(_read(session, A)) == (4, 10, 1, 3, 2, 6, 1, 1, 6)
    assert _read(session, A).poor_score == pytest.approx(3.0)
    assert _counts(_read(session, "520526100000")) == (6, 17, 3, 10, 2, 6, 1, 1, 6)
    assert _counts(_read(session, "520526000000")) == (7, 18, 3, 10, 3, 7, 1, 1, 7)
    assert _counts(_read(session, "520000000000")) == (9, 26, 5, 18, 3, 7, 1, 1, 7)
    country = _read(session, "000000000000")
    assert _counts(country) == (9, 26, 5, 18, 3, 7, 1, 1, 7)
    assert (country.villages, country.mpi_cutoff) == (4, K)
    assert _by_code(_read(session, "520526100000")) == {
        "income": (2, 0, 6, 6),
        "compulsory_education": (0, 0, 0, 0),
        "basic_medical": (0, 1, 0, 0),
        "housing_safety": (1, 0, 4, 4),
        "drinking_water": (1, 0, 2, 0),
    }
    assert _by_code(country) == {
        "income": (2, 1, 6, 6),
        "compulsory_education": (1, 0, 1, 1),
        "basic_medical": (1, 1, 1, 1),
        "housing_safety": (1, 0, 4, 4),
        "drinking_water": (1, 1, 2, 0),
    }
    assert [i.code for i in country.top_failing(2)] == ["income", "basic_medical"]
    assert country.indicators[0].name == "基本医疗有保障"  # names from the run's standard


def _reference(verdicts: list[tuple[str, int, int, int]]):  # type: ignore[no-untyped-def]
    matrix = np.array([[(failed >> j) & 1 for j in range(len(CODES))] for _, _, failed, _ in verdicts], dtype=bool)
    people = np.array([members for _, members, _, _ in verdicts], dtype=float)
    return alkire_foster(matrix, [WEIGHTS[c] for c in CODES], K, population=people, codes=CODES)


@pytest.mark.parametrize(("code", "prefix"), [("000000000000", ""), ("520526000000", "520526"), (A, A)])
def test_mpi_from_the_rollup_equals_the_reference(session: Session, code: str, prefix: str) -> None:
    stored_run(session, "", VERDICTS)
    reference = _reference([v for v in VERDICTS if v[0].startswith(prefix)])
    index = _read(session, code).mpi()
    assert (index.population, index.poor) == (reference.population, reference.poor)
    assert index.headcount == pytest.approx(reference.headcount)
    assert index.intensity == pytest.approx(reference.intensity)
    assert index.adjusted_headcount == pytest.approx(reference.adjusted_headcount)
    assert index.censored_headcounts == pytest.approx(reference.censored_headcounts)
    assert index.contributions == pytest.approx(reference.contributions)


def test_country_mpi_by_hand(session: Session) -> None:
    stored_run(session, "", VERDICTS)
    index = _read(session, "000000000000").mpi()
    assert (index.headcount, index.intensity) == pytest.approx((7 / 26, 3.3 / 7))
    assert index.adjusted_headcount == pytest.approx(3.3 / 26)
    assert index.contributions["income"] == pytest.approx(0.4 * 6 / 3.3)


def test_a_later_run_replaces_the_figures_under_its_scope_only(session: Session) -> None:
    stored_run(session, "", VERDICTS)
    stored_run(session, "520526100", [(A, 2, 0, 0)])  # township rerun: B has no households any more
    assert figures.of_unit(session=session, scope=Scope.everything(), code=B, year=2020) is None
    assert _counts(_read(session, A)) == (1, 2, 1, 2, 0, 0, 0, 0, 0)
    assert _counts(_read(session, "520526000000")) == (2, 3, 1, 2, 1, 1, 0, 0, 1)  # A plus C untouched
    assert _counts(_read(session, "000000000000")) == (4, 11, 3, 10, 1, 1, 0, 0, 1)
    assert _by_code(_read(session, "000000000000"))["income"] == (0, 1, 0, 0)  # C: income unknown


def test_reads_stay_inside_the_scope(session: Session) -> None:
    stored_run(session, "", VERDICTS)
    township = Scope.of("520526100")
    assert figures.of_unit(session=session, scope=township, code="520526000000", year=2020) is None
    assert figures.of_unit(session=session, scope=township, code="000000000000") is None
    assert figures.years(session=session, scope=township, code="520526100000") == [2020]
    children = figures.of_children(session=session, scope=township, prefix="520526", level=4, year=2020)
    assert list(children) == ["520526100000"]
    villages = figures.of_children(session=session, scope=township, prefix="520526100", level=5, year=2020)
    assert sorted(villages) == [A, B]
    assert figures.of_children(session=session, scope=Scope(None), prefix="", level=1, year=2020) == {}


def test_assess_keeps_the_rollups_current(session: Session) -> None:
    actor, lists = Actor("tester", "cli"), codelists.load(None)
    load_standard_file(session=session, path=shipped_national(), actor=actor)
    head = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}
    good = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}
    make_household(session, members=[head], income={"per_capita_net_income": 6000.0}, **good)
    low = make_household(session, members=[head, head], income={"per_capita_net_income": 3000.0}, **good)
    first = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=actor, lists=lists)
    village = _read(session, VILLAGE_CODE)
    assert (village["households"], village["meeting_households"], village["failing_members"]) == (2, 1, 2)
    assert (village.run_id, village.mpi_cutoff) == (first.id, rollup.DEFAULT_MPI_CUTOFF)
    assert _read(session, "000000000000")["households"] == first.households
    session.execute(update(Income).where(Income.household_id == low.id).values(per_capita_net_income=5000.0))
    second = assess(session=session, year=2020, scope=Scope.of("520526"), actor=actor, lists=lists, mpi_cutoff=0.2)
    county = _read(session, "520526000000")
    assert (county["households"], county["meeting_households"], county.run_id) == (2, 2, second.id)
    assert county.mpi().headcount == 0
    with pytest.raises(FupinError):
        assess(session=session, year=2020, scope=Scope.of("520526"), actor=actor, lists=lists, mpi_cutoff=0)
