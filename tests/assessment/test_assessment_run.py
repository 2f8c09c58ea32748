"""A set-wise run stores the same verdicts that the household explanation gives, inside the scope only."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.assessment.models import AssessmentRun, Verdict
from fupin.assessment.service import assess, explain
from fupin.audit import Actor
from fupin.divisions.scope import Scope
from fupin.registry import codelists
from fupin.registry.models import Household
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

ACTOR = Actor("tester", "cli")
LISTS = codelists.load(None)
OTHER_VILLAGE = "520526100056"
HEAD = {"relation": "户主", "birth_date": date(1975, 3, 4), "ins_resident_medical": True}


def _child(birth: date, school_status: str | None) -> dict[str, object]:
    return {"relation": "之子", "birth_date": birth, "ins_resident_medical": True, "school_status": school_status}


def _village(session: Session) -> list[Household]:
    good = {"house_safety_grade": "A", "water_safe": True, "water_difficult": False}
    return [
        make_household(session, members=[HEAD], income={"per_capita_net_income": 6000.0}, **good),
        make_household(session, members=[HEAD], income={"per_capita_net_income": 3900.0}, **good),
        make_household(
            session,
            members=[HEAD, _child(date(2010, 3, 1), None)],
            income={"per_capita_net_income": 8000.0},
            **good,
        ),
        make_household(session, members=[HEAD], income=None, **good),
        make_household(
            session,
            members=[HEAD],
            income={"per_capita_net_income": 5000.0},
            house_safety_grade="D",
            relocated=False,
            water_safe=True,
        ),
    ]


def test_a_run_stores_the_explained_verdicts_for_the_scope_only(session: Session) -> None:
    standard = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    households = _village(session)
    outside = make_household(
        session, members=[HEAD], income={"per_capita_net_income": 9000.0}, division_code=OTHER_VILLAGE
    )
    run = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=ACTOR, lists=LISTS)
    assert run.standard_set_id == standard.id
    assert run.exit_lines == {"52": 4000}
    verdicts = {v.household_id: v for v in session.scalars(select(Verdict).where(Verdict.run_id == run.id))}
    assert outside.id not in verdicts
    mine = {h.id for h in households}
    assert mine <= set(verdicts)
    for household in households:
        explained = explain(session=session, household=household, year=2020, lists=LISTS)
        verdict = verdicts[household.id]
        failed = sum(1 << i for i, e in enumerate(explained) if e.outcome.value is False)
        unknown = sum(1 << i for i, e in enumerate(explained) if e.outcome.value is None)
        assert (verdict.failed_mask, verdict.unknown_mask) == (failed, unknown), household.id
        assert verdict.meets_exit == (failed == 0 and unknown == 0)
    codes = run.indicator_codes
    bit = {code: 1 << i for i, code in enumerate(codes)}
    first, low, schooling, no_income, dilapidated = (verdicts[h.id] for h in households)
    assert first.meets_exit is True
    assert low.failed_mask == bit["income"]
    assert schooling.failed_mask == bit["compulsory_education"]
    assert schooling.members == 2
    assert no_income.unknown_mask == bit["income"]
    assert no_income.meets_exit is False
    assert dilapidated.failed_mask == bit["housing_safety"]
    stored = session.get(AssessmentRun, run.id)
    assert stored is not None
    assert stored.status == "done"
    assert stored.households == len(verdicts)
    assert stored.meeting == sum(1 for v in verdicts.values() if v.meets_exit)


def test_runs_are_kept_with_the_standard_version_each_used(session: Session) -> None:
    load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    _village(session)
    first = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=ACTOR, lists=LISTS)
    newer = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    second = assess(session=session, year=2020, scope=Scope.of(VILLAGE_CODE), actor=ACTOR, lists=LISTS)
    assert second.standard_set_id == newer.id != first.standard_set_id
    kept = session.scalars(select(Verdict.run_id).where(Verdict.run_id.in_([first.id, second.id]))).all()
    assert set(kept) == {first.id, second.id}
