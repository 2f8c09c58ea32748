"""The exit-readiness report on a synthetic county with a known truth (tests/factories/exit.py)."""

import pytest
from sqlalchemy.orm import Session

from fupin.assessment.readiness import report
from fupin.assessment.survey import estimates
from fupin.divisions.scope import Scope
from tests.factories.exit import COUNTY, OTHER_VILLAGE, build_county
from tests.factories.registry import VILLAGE_CODE

EVERYTHING = Scope.everything()
FAILED, UNKNOWN, BELOW = "未达标：", "无法判断（数据缺失）：", "未高于退出线"


def checks_of(readiness: object) -> dict[str, tuple[float | None, bool | None, str]]:
    return {c.name: (c.value, c.passed, c.note) for c in readiness.exit.checks}  # type: ignore[attr-defined]


def test_the_county_rates_and_the_combined_incidence_follow_the_formulas(session: Session) -> None:
    county = build_county(session)
    found = report(session=session, scope=EVERYTHING, code=COUNTY)
    assert found is not None
    assert (found.figures.poor_people, found.figures.exited_people, found.figures.people) == (5, 9, 23)
    assert found.population is not None
    assert found.population.population == 300
    assert found.run is not None
    assert found.run.id == county.run.id
    checks = checks_of(found)
    assert list(checks) == ["贫困发生率", "综合贫困发生率", "错退率", "漏评率", "群众认可度"]
    assert checks["贫困发生率"][:2] == (pytest.approx(5 / 300), True)
    assert checks["综合贫困发生率"][:2] == (pytest.approx(119 / 300), False)
    assert checks["错退率"][:2] == (pytest.approx(8 / 18), False)
    assert checks["漏评率"][:2] == (pytest.approx(5 / 13), False)
    assert checks["群众认可度"][:2] == (pytest.approx(7 / 9), False)
    assert found.exit.ready is False
    rates = estimates(session=session, sample=county.sample)
    assert rates.wrong_exit is not None
    assert rates.wrong_exit.rate == pytest.approx(8 / 18)
    assert rates.wrong_exit.low <= rates.wrong_exit.rate <= rates.wrong_exit.high
    assert (rates.sampled, rates.surveyed) == (5, 5)


def test_the_blocking_households_are_the_poor_and_the_exited_that_fail(session: Session) -> None:
    county = build_county(session)
    found = report(session=session, scope=EVERYTHING, code=COUNTY)
    assert found is not None
    numbers = {name: h.household_number for name, h in county.households.items()}
    assert found.blocking_total == 3
    by_number = {row.household_number: row.reasons for row in found.blocking}
    assert by_number == {
        numbers["a1"]: [
            "仍为贫困户（未脱贫）",
            "人均纯收入3,000元，未高于退出线4,000元",
            f"{FAILED}收入稳定超过现行标准",
        ],
        numbers["a3"]: ["已脱贫但未达到退出标准（疑似错退）", f"{FAILED}住房安全有保障", f"{UNKNOWN}饮水安全有保障"],
        numbers["b1"]: ["仍为贫困户（返贫）", "本次评估未覆盖该户"],
    }
    second = report(session=session, scope=EVERYTHING, code=COUNTY, page=2, page_size=2)
    assert second is not None
    assert [row.household_number for row in second.blocking] == [numbers["b1"]]


def test_a_village_passes_on_its_incidence_and_an_unknown_population_is_never_guessed(session: Session) -> None:
    build_county(session)
    village = report(session=session, scope=EVERYTHING, code=OTHER_VILLAGE)
    assert village is not None
    assert checks_of(village) == {"贫困发生率": (pytest.approx(2 / 100), True, "")}
    assert village.exit.ready is True
    unknown = report(session=session, scope=EVERYTHING, code=VILLAGE_CODE, year=2019)
    assert unknown is not None
    assert checks_of(unknown) == {"贫困发生率": (None, None, "农村人口未知")}


def test_without_survey_results_the_county_checks_are_unknown(session: Session) -> None:
    build_county(session, surveyed=False)
    found = report(session=session, scope=EVERYTHING, code=COUNTY)
    assert found is not None
    checks = checks_of(found)
    assert checks["贫困发生率"][1] is True
    assert all(
        checks[name] == (None, None, "尚无抽样调查结果")
        for name in ("综合贫困发生率", "错退率", "漏评率", "群众认可度")
    )
    assert found.exit.ready is None


def test_units_outside_the_scope_or_of_other_levels_give_nothing(session: Session) -> None:
    build_county(session)
    assert report(session=session, scope=Scope.of(VILLAGE_CODE), code=OTHER_VILLAGE) is None
    assert report(session=session, scope=Scope.of(VILLAGE_CODE), code=COUNTY) is None
    assert report(session=session, scope=EVERYTHING, code="520526100000") is None  # a township
    assert report(session=session, scope=Scope.of(VILLAGE_CODE), code=VILLAGE_CODE) is not None


def test_a_sample_of_another_year_does_not_feed_the_report(session: Session) -> None:
    county = build_county(session)
    county.sample.year = 2019
    session.flush()
    found = report(session=session, scope=EVERYTHING, code=COUNTY)
    assert found is not None
    assert found.sample is None
    assert checks_of(found)["错退率"] == (None, None, "尚无抽样调查结果")


def test_a_county_report_lists_its_villages_with_their_own_incidence(session: Session) -> None:
    build_county(session)
    found = report(session=session, scope=EVERYTHING, code=COUNTY)
    assert found is not None
    lines = [(v.code, v.figures.poor_people, v.rural_population, v.check.value, v.check.passed) for v in found.villages]
    assert lines == [
        (VILLAGE_CODE, 3, 200, pytest.approx(3 / 200), True),
        (OTHER_VILLAGE, 2, 100, pytest.approx(2 / 100), True),
    ]
    village = report(session=session, scope=EVERYTHING, code=VILLAGE_CODE)
    assert village is not None
    assert village.villages == []
