"""A synthetic county with a known truth: households, verdicts, populations and a surveyed sample built by hand.

威宁县 (520526) with two villages of 草海镇. The numbers are chosen so every rate is a plain fraction:
people poor 5, exited 9, rural population 300; weighted survey: 错退 8/18, 漏评 5/13, 认可 7/9;
combined incidence (5 + 5/13·286 + 8/18·9) / 300 = 119/300.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fupin.assessment.exit_models import RuralPopulation, Sample, SampleHousehold, SampleVillage
from fupin.assessment.models import AssessmentRun, Verdict
from fupin.audit import Actor, open_changeset
from fupin.registry.models import Household
from fupin.standards import service as standards
from fupin.standards.loader import load_standard_file, shipped_national
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE

COUNTY = "520526000000"
OTHER_VILLAGE = "520526100056"
ACTOR = Actor("tester", "cli")
LINE = 4000.0


@dataclass
class County:
    households: dict[str, Household]
    run: AssessmentRun
    sample: Sample
    indicator_codes: list[str]


def _people(count: int) -> list[dict[str, object]]:
    return [{} for _ in range(count)]


def build_county(session: Session, *, surveyed: bool = True) -> County:
    standard = load_standard_file(session=session, path=shipped_national(), actor=ACTOR)
    codes = [item.code for item in standards.indicators(session=session, standard=standard)]
    plan = {  # name: (village, status, members)
        "a1": (VILLAGE_CODE, "未脱贫", 3),
        "a2": (VILLAGE_CODE, "已脱贫", 2),
        "a3": (VILLAGE_CODE, "已脱贫", 4),
        "a4": (VILLAGE_CODE, None, 5),
        "b1": (OTHER_VILLAGE, "返贫", 2),
        "b2": (OTHER_VILLAGE, "已脱贫", 3),
        "b3": (OTHER_VILLAGE, None, 4),
    }
    households = {
        name: make_household(session, members=_people(n), division_code=village, poverty_status=status)
        for name, (village, status, n) in plan.items()
    }
    changeset = open_changeset(session=session, actor=ACTOR, purpose="测试")
    run = AssessmentRun(
        year=2020, scope_prefix="520526", as_of=date(2020, 12, 31), standard_set_id=standard.id,
        indicator_codes=codes, required_mask=(1 << len(codes)) - 1, exit_lines={"52": LINE}, status="done",
        changeset_id=changeset.id,
    )  # fmt: skip
    session.add(run)
    session.flush()
    housing = 1 << codes.index("housing_safety")
    verdicts = {  # name: (income, failed, unknown, meets); b1 is not covered by the run
        "a1": (3000.0, 1 << codes.index("income"), 0, False),
        "a2": (6000.0, 0, 0, True),
        "a3": (6000.0, housing, 1 << codes.index("drinking_water"), False),
        "a4": (9000.0, 0, 0, True),
        "b2": (7000.0, 0, 0, True),
        "b3": (8000.0, 0, 0, True),
    }
    for name, (income, failed, unknown, meets) in verdicts.items():
        household = households[name]
        session.add(
            Verdict(
                run_id=run.id, household_id=household.id, division_code=household.division_code,
                members=plan[name][2], per_capita_net_income=income, exit_line=LINE, failed_mask=failed,
                unknown_mask=unknown, meets_exit=meets,
            )
        )  # fmt: skip
    stamps = {"created_changeset_id": changeset.id, "updated_changeset_id": changeset.id}
    session.add_all(
        [
            RuralPopulation(division_code=VILLAGE_CODE, year=2020, rural_population=200, source="测试", **stamps),
            RuralPopulation(division_code=OTHER_VILLAGE, year=2020, rural_population=100, source="测试", **stamps),
        ]
    )
    sample = _sample(session, households, changeset.id, surveyed)
    return County(households, run, sample, codes)


def _sample(session: Session, households: dict[str, Household], changeset_id: int, surveyed: bool) -> Sample:
    sample = Sample(
        county_code=COUNTY, year=2020, seed=1, margin=0.05, confidence=0.95, expected_rate=0.5, design_effect=2.0,
        villages_wanted=2, design="测试", created_by="tester", changeset_id=changeset_id,
    )  # fmt: skip
    session.add(sample)
    session.flush()
    session.add_all(
        [
            SampleVillage(sample_id=sample.id, division_code=VILLAGE_CODE, households=4, probability=1.0),
            SampleVillage(sample_id=sample.id, division_code=OTHER_VILLAGE, households=3, probability=0.5),
        ]
    )
    units = {  # name: (stratum, π1, π2, wrongly exited, missed, approves, people)
        "a2": ("exited", 1.0, 0.5, False, None, True, 2),
        "a3": ("exited", 1.0, 0.5, True, None, False, 4),
        "a4": ("non_registered", 1.0, 1.0, None, True, True, 5),
        "b2": ("exited", 0.5, 1.0, False, None, True, 3),
        "b3": ("non_registered", 0.5, 1.0, None, False, True, 4),
    }
    for name, (stratum, village_p, household_p, wrong, missed, approves, people) in units.items():
        household = households[name]
        answers = (
            {"wrongly_exited": wrong, "missed": missed, "approves": approves, "people": people} if surveyed else {}
        )
        session.add(
            SampleHousehold(
                sample_id=sample.id, household_id=household.id, division_code=household.division_code,
                stratum=stratum, village_probability=village_p, household_probability=household_p,
                members=people, **answers,
            )
        )  # fmt: skip
    session.flush()
    return sample
