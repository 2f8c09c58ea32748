"""Runs read within a scope: which runs a user sees, counts over their own verdicts only, a household's history."""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from fupin.assessment import assess_job, runs
from fupin.assessment.models import AssessmentRun
from fupin.assessment.service import assess
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.errors import FupinError, NotFoundError
from fupin.registry import codelists
from fupin.registry.models import Household
from fupin.standards import service as standards
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

ACTOR = Actor("tester", "cli")
OTHER_VILLAGE = "520526100056"
COUNTY = "520526"
HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}
GOOD = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}


def _run(session: Session, prefix: str) -> AssessmentRun:
    return assess(session=session, year=2020, scope=Scope.of(prefix), actor=ACTOR, lists=codelists.load(None))


@pytest.fixture
def homes(session: Session) -> dict[str, Household]:
    load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    return {
        "good": make_household(session, members=[HEAD], income={"per_capita_net_income": 6000.0}, **GOOD),
        "poor": make_household(session, members=[HEAD], income={"per_capita_net_income": 3000.0}, **GOOD),
        "dry": make_household(
            session, members=[HEAD], income={"per_capita_net_income": 7000.0}, **{**GOOD, "water_safe": None}
        ),
        "outside": make_household(
            session, members=[HEAD], income={"per_capita_net_income": 1000.0}, division_code=OTHER_VILLAGE, **GOOD
        ),
    }


def test_a_village_sees_its_own_and_surrounding_runs_counted_over_its_own_households(
    session: Session, homes: dict[str, Household]
) -> None:
    county_run, village_run, other_run = (
        _run(session, COUNTY),
        _run(session, VILLAGE_CODE),
        _run(session, OTHER_VILLAGE),
    )
    village = Scope.of(VILLAGE_CODE)
    seen = [row.run.id for row in runs.list_(session=session, scope=village)]
    assert county_run.id in seen
    assert village_run.id in seen
    assert other_run.id not in seen
    assert runs.whole(village, village_run) is True
    assert runs.whole(village, county_run) is False
    with pytest.raises(NotFoundError):
        runs.get_or_raise(session=session, scope=village, run_id=other_run.id)
    mine = runs.counts(session=session, scope=village, run=county_run)
    everything = runs.counts(session=session, scope=Scope.of(COUNTY), run=county_run)
    assert everything.households - mine.households >= 1  # the outside household counts only for the county
    by_code = {item.code: item for item in mine.indicators}
    ours = set(homes) - {"outside"}
    assert mine.households >= len(ours)
    assert by_code["income"].failed >= 1
    assert by_code["drinking_water"].unknown >= 1
    assert mine.not_meeting == mine.households - mine.meeting
    assert by_code["income"].name == "收入稳定超过现行标准"


def test_a_households_verdicts_name_their_run_and_standard(session: Session, homes: dict[str, Household]) -> None:
    first, second = _run(session, VILLAGE_CODE), _run(session, VILLAGE_CODE)
    history = runs.household_verdicts(session=session, household_id=homes["poor"].id)
    assert [found.run.id for found in history] == [second.id, first.id]
    assert history[0].failed == ["income"]
    assert history[0].unknown == []
    assert history[0].verdict.meets_exit is False
    dry = runs.household_verdicts(session=session, household_id=homes["dry"].id)[0]
    assert dry.unknown == ["drinking_water"]
    assert runs.latest_income_year(session=session, household_id=homes["good"].id) == 2020


def test_a_households_verdicts_come_with_the_current_standard(session: Session, homes: dict[str, Household]) -> None:
    assert runs.verdicts_and_current(session=session, household_id=homes["poor"].id) == ([], None)
    _run(session, VILLAGE_CODE)
    verdicts, current = runs.verdicts_and_current(session=session, household_id=homes["poor"].id)
    assert len(verdicts) == 1
    assert current == standards.current_key(session=session)
    newer = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    assert runs.verdicts_and_current(session=session, household_id=homes["poor"].id)[1] == standards.VersionKey(
        newer.id, newer.created_at
    )


@pytest.mark.parametrize(
    ("year", "division", "slug", "field", "not_found"),
    [
        ("20x0", "", "bad-year", "year", False),
        (2030, "", "standard-missing", "year", False),
        (2020, OTHER_VILLAGE, "division-not-found", "division", True),
        (2020, "52052610003", "division-not-found", "division", True),
        (2020, "529999", "division-not-found", "division", True),
        (2020, "520526100", "division-not-found", "division", True),
    ],
)
def test_a_request_outside_the_scope_or_without_lines_is_refused(
    session: Session, homes: dict[str, Household], year: object, division: str, slug: str, field: str, not_found: bool
) -> None:
    with pytest.raises(FupinError) as refused:
        assess_job.check_request(session=session, scope=Scope.of(VILLAGE_CODE), year=year, division=division)
    problem = refused.value.problems[0]
    assert (problem.slug, problem.location.field) == (slug, field)
    assert isinstance(refused.value, NotFoundError) is not_found


def test_a_request_takes_the_scope_or_a_full_code_inside_it(session: Session, homes: dict[str, Household]) -> None:
    township = Scope.of("520526100")
    assert assess_job.check_request(session=session, scope=township, year="2020", division="") == (2020, "520526100")
    assert assess_job.check_request(session=session, scope=township, year=2020, division=VILLAGE_CODE) == (
        2020,
        VILLAGE_CODE,
    )
    county = Scope.of(COUNTY)
    assert assess_job.check_request(session=session, scope=county, year=2020, division="520526000000") == (2020, COUNTY)
