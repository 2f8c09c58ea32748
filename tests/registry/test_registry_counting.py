"""The household list's total: exact from the aggregates for division/status/cause/type filters, else bounded."""

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.analytics import service as analytics
from fupin.divisions.scope import Scope
from fupin.registry import counting, service
from fupin.registry.counting import Counted
from fupin.registry.filters import Flag, HouseholdFilter, PageRequest, SortKey
from fupin.registry.models import Household
from tests.factories.registry import family, load_people

TODAY = date(2026, 11, 23)
COUNTY = Scope.of("520526")


@pytest.fixture
def loaded(session: Session, tmp_path: Path) -> list[Household]:
    people = (
        family("5205261000340001", 3) + family("5205261000340002", 2) + family("5205261000560001", 4, 村="同心社区")
    )
    load_people(session, tmp_path, people)
    households = list(session.scalars(select(Household).order_by(Household.household_number)))
    households[1].main_cause, households[1].poverty_status = "因病", "已脱贫"
    households[0].house_safety_grade = "C"
    analytics.refresh(session=session, village_codes=[h.division_code for h in households], now=datetime(2026, 11, 23))
    return households


def listed(scope: Scope, session: Session, **filters: object) -> service.HouseholdPage:
    chosen = HouseholdFilter(**filters)  # type: ignore[arg-type]
    return service.list_(session=session, scope=scope, filters=chosen, page=PageRequest(), today=TODAY)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 3),
        ({"division": "520526100056"}, 1),
        ({"division": "520526100000"}, 3),
        ({"division": "5205"}, 3),
        ({"division": "52", "village": "520526100034"}, 2),
        ({"poverty_status": "已脱贫"}, 1),
        ({"main_cause": "因病"}, 1),
        ({"division": "5226"}, 0),
    ],
)
def test_division_and_one_code_filter_come_from_the_aggregates(
    session: Session, loaded: list[Household], filters: dict[str, object], expected: int
) -> None:
    page = listed(COUNTY, session, **filters)
    assert (page.total, page.counted, page.total_exact) == (expected, Counted.aggregates, True)
    assert page.total == len(page.rows)


def test_other_filters_are_counted_and_agree_with_the_rows(session: Session, loaded: list[Household]) -> None:
    for filters in (
        {"flags": (Flag.housing_unsafe,)},
        {"text": "张小"},
        {"poverty_status": "已脱贫", "main_cause": "因病"},
        {"household_attribute": "一般农户"},
        {"poverty_status": "不是一个状态"},
        {"division": "52x"},
    ):
        page = listed(COUNTY, session, **filters)
        assert page.counted is Counted.exact, filters
        assert page.total == len(page.rows), filters


def test_the_scope_bounds_the_aggregate_total(session: Session, loaded: list[Household]) -> None:
    assert listed(Scope.of("520526100034"), session, division="52").total == 2
    assert listed(Scope.of("5226"), session).total == 0
    assert listed(Scope(view_prefix=None), session).total == 0


def test_a_count_beyond_the_cap_is_a_lower_bound(
    session: Session, loaded: list[Household], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counting, "COUNT_CAP", 1)
    page = listed(COUNTY, session, text="张")
    assert (page.total, page.counted, page.total_exact) == (1, Counted.capped, False)
    assert len(page.rows) > page.total  # the page still lists every match; only the count stops


@pytest.mark.parametrize("sort", [SortKey.household_number, SortKey.poverty_status, SortKey.main_cause])
def test_walking_the_sort_index_gives_the_same_page_as_sorting(
    session: Session, loaded: list[Household], monkeypatch: pytest.MonkeyPatch, sort: SortKey
) -> None:
    pages = []
    for factor in (0, 10**9):  # always walk the index, never walk it
        monkeypatch.setattr(counting, "WALK_FACTOR", factor)
        for scope, filters in ((COUNTY, {}), (COUNTY, {"division": "520526100034"}), (Scope.of("5226"), {})):
            chosen = HouseholdFilter(**filters)  # type: ignore[arg-type]
            found = service.list_(
                session=session, scope=scope, filters=chosen, page=PageRequest(sort, limit=2), today=TODAY
            )
            pages.append([row.household_number for row in found.rows])
    assert pages[:3] == pages[3:]
    assert pages[0]
    assert pages[1]
    assert not pages[2]
