"""Registry figures per county: the summary `fupin demo` prints and later pages reuse."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from fupin.divisions.models import Division
from fupin.divisions.scope import Scope
from fupin.registry.models import Household, Income, Member


@dataclass(frozen=True, slots=True)
class CountySummary:
    code: str
    name: str
    households: int
    members: int
    exited: int
    not_exited: int
    monitored: int
    mean_per_capita_income: float | None


def _county_of(column: Any) -> Any:
    # Literal positions: PostgreSQL matches a GROUP BY expression only if its bound parameters are the same ones.
    return func.substr(column, literal_column("1"), literal_column("6"))


def by_county(*, session: Session, scope: Scope) -> list[CountySummary]:
    county = _county_of(Household.division_code)
    live = Household.deleted_at.is_(None)
    members = (
        select(county.label("county"), func.count(Member.id).label("members"))
        .join(Member, Member.household_id == Household.id)
        .where(live, Member.deleted_at.is_(None), scope.condition(Household.division_code))
        .group_by(county)
        .subquery()
    )
    incomes = (
        select(Income.household_id, func.max(Income.year).label("year"))
        .where(Income.deleted_at.is_(None))
        .group_by(Income.household_id)
        .subquery()
    )
    statement = (
        select(
            county.label("county"),
            func.count(Household.id),
            func.sum(case((Household.poverty_status == "已脱贫", 1), else_=0)),
            func.sum(case((Household.poverty_status.in_(("未脱贫", "返贫", "新识别")), 1), else_=0)),
            func.sum(case((Household.monitoring_category.is_not(None), 1), else_=0)),
            func.avg(Income.per_capita_net_income),
        )
        .outerjoin(incomes, incomes.c.household_id == Household.id)
        .outerjoin(Income, (Income.household_id == Household.id) & (Income.year == incomes.c.year))
        .where(live, scope.condition(Household.division_code))
        .group_by(county)
        .order_by(county)
    )
    rows = session.execute(statement).all()
    member_counts: dict[str, int] = {
        str(county): int(count) for county, count in session.execute(select(members.c.county, members.c.members))
    }
    county_names = select(_county_of(Division.code), Division.name).where(
        Division.level == 3, Division.code.in_([f"{r[0]}000000" for r in rows])
    )
    names: dict[str, str] = {str(code): str(name) for code, name in session.execute(county_names)}
    return [
        CountySummary(
            code,
            names.get(code, code),
            int(n),
            int(member_counts.get(code, 0)),
            int(exited or 0),
            int(poor or 0),
            int(monitored or 0),
            float(mean) if mean is not None else None,
        )
        for code, n, exited, poor, monitored, mean in rows
    ]
