"""Exit checks with the published formulas on counties whose figures are known."""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fupin.assessment.exit import Survey, combined_incidence, county_exit, village_exit
from fupin.audit import Actor
from fupin.errors import FupinError
from fupin.standards import service
from fupin.standards.exit_criteria import ExitCriteria
from fupin.standards.loader import load_standard_file, shipped_national

NATIONAL = ExitCriteria()
SURVEY = Survey(
    sampled_exited=500,
    wrongly_exited=5,
    sampled_non_registered=2000,
    missed=20,
    surveyed_households=1000,
    approving_households=950,
)


def test_combined_incidence_extrapolates_the_sample() -> None:
    # 1,000 poor left + 1 % of 70,000 missed + 1 % of 20,000 wrongly exited = 1,900 of 100,000.
    value = combined_incidence(
        remaining_poor=1000,
        rural_population=100_000,
        non_registered_population=70_000,
        exited_population=20_000,
        survey=SURVEY,
    )
    assert value == pytest.approx(0.019)


@pytest.mark.parametrize(("county", "ready"), [("520526", True), ("340826", True), ("340827", False)])
def test_county_exit_uses_the_western_limit_where_it_applies(county: str, ready: bool) -> None:
    remaining = 1000 if county != "340827" else 1200  # 2.1 % combined in a central county blocks the exit
    result = county_exit(
        division_code=county + "000000",
        remaining_poor=remaining,
        rural_population=100_000,
        non_registered_population=70_000,
        exited_population=20_000,
        survey=SURVEY,
        criteria=NATIONAL,
    )
    assert result.ready is ready
    names = [check.name for check in result.checks]
    assert names == ["综合贫困发生率", "错退率", "漏评率", "群众认可度"]
    assert result.checks[1].value == pytest.approx(0.01)
    assert result.checks[3].value == pytest.approx(0.95)


def test_any_veto_indicator_blocks_and_missing_figures_leave_it_undecided() -> None:
    unhappy = Survey(500, 5, 2000, 20, 1000, 880)
    blocked = county_exit(
        division_code="520526000000",
        remaining_poor=0,
        rural_population=100_000,
        non_registered_population=70_000,
        exited_population=20_000,
        survey=unhappy,
        criteria=NATIONAL,
    )
    assert blocked.ready is False
    assert [c.name for c in blocked.checks if c.passed is False] == ["群众认可度"]
    no_sample = county_exit(
        division_code="520526000000",
        remaining_poor=0,
        rural_population=100_000,
        non_registered_population=70_000,
        exited_population=20_000,
        survey=Survey(0, 0, 0, 0, 0, 0),
        criteria=NATIONAL,
    )
    assert no_sample.ready is None


def test_village_incidence_against_its_limit() -> None:
    assert village_exit(division_code="520526100034", remaining_poor=29, rural_population=1000, criteria=NATIONAL).ready
    assert not village_exit(
        division_code="340826100001", remaining_poor=29, rural_population=1000, criteria=NATIONAL
    ).ready
    unknown = village_exit(division_code="520526100034", remaining_poor=3, rural_population=0, criteria=NATIONAL)
    assert unknown.ready is None
    assert unknown.checks[0].note == "农村人口未知"


def test_criteria_are_data_of_the_standard(session: Session, tmp_path: Path) -> None:
    standard = load_standard_file(session=session, path=shipped_national(), actor=Actor("t", "cli"))
    assert service.exit_criteria(standard) == NATIONAL
    stricter = tmp_path / "strict.toml"
    text = (
        shipped_national().read_text(encoding="utf-8").replace("incidence_max_west = 0.03", "incidence_max_west = 0.01")
    )
    stricter.write_text(text, encoding="utf-8")
    strict = load_standard_file(session=session, path=stricter, actor=Actor("t", "cli"))
    assert service.exit_criteria(strict).incidence_limit("520526000000") == 0.01
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace("approval_min = 0.90", "approval_min = 90"), encoding="utf-8")
    with pytest.raises(FupinError) as refused:
        load_standard_file(session=session, path=broken, actor=Actor("t", "cli"))
    assert refused.value.problems[0].location.field == "exit.approval_min"
