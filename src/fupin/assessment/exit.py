"""Exit evaluation: household, village and county checks with the published criteria (domain.md §4.1–§4.3).

The thresholds are data of the standard (`[exit]` in its file); the formulas are these:
incidence = remaining registered poor / rural population; 错退率 = wrongly exited / sampled exited;
漏评率 = verified missed / sampled non-registered; 认可度 = approving / surveyed households; and the combined
incidence = (remaining poor + 漏评率 × non-registered population + 错退率 × exited population) / rural population.
"""

from dataclasses import dataclass, field

from fupin.standards.exit_criteria import ExitCriteria


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    value: float | None
    limit: float
    passed: bool | None  # None: the figure cannot be computed (no sample, no population)
    note: str = ""


@dataclass(slots=True)
class UnitExit:
    division_code: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool | None:
        if any(check.passed is False for check in self.checks):
            return False
        return None if any(check.passed is None for check in self.checks) else True


def _at_most(name: str, value: float | None, limit: float, note: str = "") -> Check:
    return Check(name, value, limit, None if value is None else value < limit, note)


def village_exit(*, division_code: str, remaining_poor: int, rural_population: int, criteria: ExitCriteria) -> UnitExit:
    """A village exits when its poverty incidence is below the limit (western provinces have their own)."""
    incidence = Rate(remaining_poor, rural_population).value
    limit = criteria.incidence_limit(division_code)
    return UnitExit(
        division_code, [_at_most("贫困发生率", incidence, limit, "农村人口未知" if incidence is None else "")]
    )


@dataclass(frozen=True, slots=True)
class Survey:
    """What an assessment's sample found in a county (counts of people, and of households for approval).

    Plain counts, or totals weighted by 1/π (a stored sample's estimates): the rates are the same ratios.
    """

    sampled_exited: float
    wrongly_exited: float
    sampled_non_registered: float
    missed: float
    surveyed_households: float
    approving_households: float


def combined_incidence(
    *,
    remaining_poor: int,
    rural_population: int,
    non_registered_population: int,
    exited_population: int,
    survey: Survey,
) -> float | None:
    """(remaining poor + estimated missed + estimated wrongly exited) / rural population."""
    missed = Rate(survey.missed, survey.sampled_non_registered).value or 0.0
    wrong = Rate(survey.wrongly_exited, survey.sampled_exited).value or 0.0
    estimated = remaining_poor + missed * non_registered_population + wrong * exited_population
    return Rate(estimated, rural_population).value


def county_exit(
    *,
    division_code: str,
    remaining_poor: int,
    rural_population: int,
    non_registered_population: int,
    exited_population: int,
    survey: Survey,
    criteria: ExitCriteria,
) -> UnitExit:
    """The four veto indicators of the county exit (国开办发〔2017〕56号): failing any one blocks the exit."""
    combined = combined_incidence(
        remaining_poor=remaining_poor,
        rural_population=rural_population,
        non_registered_population=non_registered_population,
        exited_population=exited_population,
        survey=survey,
    )
    approval = Rate(survey.approving_households, survey.surveyed_households).value
    return UnitExit(
        division_code,
        [
            _at_most("综合贫困发生率", combined, criteria.incidence_limit(division_code)),
            _at_most("错退率", Rate(survey.wrongly_exited, survey.sampled_exited).value, criteria.wrong_exit_max),
            _at_most("漏评率", Rate(survey.missed, survey.sampled_non_registered).value, criteria.missed_max),
            Check(
                "群众认可度",
                approval,
                criteria.approval_min,
                None if approval is None else approval >= criteria.approval_min,
            ),
        ],
    )
