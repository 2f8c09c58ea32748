"""The household list: every filter, sorting, paging caps, soft deletes and the scope, on both databases."""

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import Session

from fupin.divisions import service as divisions
from fupin.divisions.scope import Scope
from fupin.errors import NotFoundError
from fupin.postgres_cursor import CACHED_QUERY_LENGTH
from fupin.registry import service
from fupin.registry.filters import MAX_PAGE_SIZE, Flag, HouseholdFilter, PageRequest, SortKey
from fupin.registry.models import Assistance, Helper, Household, Income, Member
from fupin.registry.privacy import mask_account, mask_id, mask_phone
from fupin.side_by_side import Part
from tests.factories.households import make_household
from tests.factories.registry import VILLAGE_CODE, family, load_people

TODAY = date(2026, 11, 23)
COUNTY = Scope.of("520526")


@pytest.fixture
def loaded(session: Session, tmp_path: Path) -> list[Household]:
    people = (
        family("5205261000340001", 3) + family("5205261000340002", 2) + family("5205261000560001", 4, 村="同心社区")
    )
    people[5].extra = {"是否参加新型农村合作医疗（城乡居民基本医疗保险）": "否"}
    load_people(session, tmp_path, people)
    households = list(session.scalars(select(Household).order_by(Household.household_number)))
    households[0].house_safety_grade = "C"  # household-level values the member layout does not carry
    households[1].main_cause, households[1].poverty_status = "因病", "已脱贫"
    session.flush()
    return households


def numbers(scope: Scope, session: Session, page: PageRequest | None = None, **filters: object) -> list[str]:
    found = service.list_(
        session=session,
        scope=scope,
        filters=HouseholdFilter(**filters),
        page=page or PageRequest(),
        today=TODAY,  # type: ignore[arg-type]
    )
    return [row.household_number for row in found.rows]


def test_filters(session: Session, loaded: list[Household]) -> None:
    assert numbers(COUNTY, session) == ["5205261000340001", "5205261000340002", "5205261000560001"]
    assert numbers(COUNTY, session, division="520526100056") == ["5205261000560001"]
    assert numbers(COUNTY, session, division="5205") == numbers(COUNTY, session)
    assert numbers(COUNTY, session, village="520526100034") == ["5205261000340001", "5205261000340002"]
    assert numbers(COUNTY, session, village="5205' OR 1=1") == []
    assert numbers(COUNTY, session, main_cause="因病") == ["5205261000340002"]
    assert numbers(COUNTY, session, poverty_status="已脱贫") == ["5205261000340002"]
    assert numbers(COUNTY, session, flags=(Flag.housing_unsafe,)) == ["5205261000340001"]
    assert numbers(COUNTY, session, flags=(Flag.no_medical_insurance,)) == ["5205261000560001"]


def test_text_search_by_id_tail_and_name_prefix(session: Session, loaded: list[Household]) -> None:
    member = session.scalars(select(Member).where(Member.household_id == loaded[2].id, Member.relation == "户主")).one()
    assert numbers(COUNTY, session, text=member.id_number) == ["5205261000560001"]
    assert numbers(COUNTY, session, text=member.id_number[-7:]) == ["5205261000560001"]
    assert numbers(COUNTY, session, text="张小") == ["5205261000340001", "5205261000560001"]
    assert numbers(COUNTY, session, text="5205261000340002") == ["5205261000340002"]
    for harmless in ("%", "_", "张%", "' OR '1'='1", "\\"):
        assert numbers(COUNTY, session, text=harmless) == []


def test_scope_sort_paging_and_soft_delete(session: Session, loaded: list[Household]) -> None:
    village = Scope.of("520526100034")
    assert numbers(village, session, division="52") == ["5205261000340001", "5205261000340002"]
    assert numbers(Scope(view_prefix=None), session) == []
    descending = PageRequest(SortKey.household_number, descending=True, limit=1, offset=1)
    assert numbers(COUNTY, session, descending) == ["5205261000340002"]
    assert PageRequest(limit=10_000).clamped().limit == MAX_PAGE_SIZE
    page = service.list_(session=session, scope=COUNTY, filters=HouseholdFilter(), page=PageRequest(), today=TODAY)
    assert page.total == 3
    assert page.sizes[loaded[2].id] == 4
    assert page.heads[loaded[0].id].name == "张大"
    loaded[0].deleted_at = TODAY  # type: ignore[assignment]
    session.flush()
    assert numbers(COUNTY, session) == ["5205261000340002", "5205261000560001"]
    assert service.get(session=session, scope=COUNTY, household_id=loaded[0].id) is None


def test_one_page_statement_per_shape_runs_with_each_requests_own_values(
    session: Session, loaded: list[Household]
) -> None:
    """The statement built for the first request of a shape serves the next ones: the scope's bounds, the filters'
    values and the page must be the later request's, never the first one's."""
    service._PAGE_STATEMENTS.clear()
    assert numbers(COUNTY, session) == ["5205261000340001", "5205261000340002", "5205261000560001"]
    assert numbers(Scope.of("520526100056"), session) == ["5205261000560001"]
    assert numbers(Scope.of("5206"), session) == []
    assert numbers(COUNTY, session, main_cause="因病") == ["5205261000340002"]
    assert numbers(COUNTY, session, main_cause="因学") == []
    assert numbers(COUNTY, session, text="张小") == ["5205261000340001", "5205261000560001"]
    assert numbers(COUNTY, session, text="张小1") == ["5205261000560001"]
    assert numbers(COUNTY, session, text="5205261000340002") == ["5205261000340002"]
    assert numbers(COUNTY, session, division="520526100056") == ["5205261000560001"]
    assert numbers(COUNTY, session, division="520526100034") == ["5205261000340001", "5205261000340002"]
    assert numbers(COUNTY, session, village="520526100034") == ["5205261000340001", "5205261000340002"]
    assert numbers(COUNTY, session, village="520526100056") == ["5205261000560001"]
    assert numbers(COUNTY, session, PageRequest(limit=1, offset=2)) == ["5205261000560001"]
    assert numbers(COUNTY, session, PageRequest(limit=2, offset=0)) == ["5205261000340001", "5205261000340002"]
    assert len(service._PAGE_STATEMENTS) == 6  # none, a code, a name, digits (ID tail or 户编号), division, village
    assert numbers(Scope.of("520526100034"), session, text="张") == ["5205261000340001", "5205261000340002"]
    assert len(service._PAGE_STATEMENTS) == 6


def test_masks() -> None:
    assert mask_id("520526198001011234") == "5205**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_account("6228480012345678") == "6228********5678"
    assert mask_id("123") == "***"
    assert mask_id(None) is None


def test_a_households_belongings_in_their_order_with_their_types(session: Session) -> None:
    members = [
        {"name": "长子", "relation": "之子", "person_number": "01", "birth_date": date(2001, 5, 6)},
        {"name": "户主甲", "relation": "户主", "person_number": "02"},
        {"name": "已移除", "relation": "之女", "person_number": "03"},
    ]
    household = make_household(session, members=members, income={"per_capita_net_income": 4100.5}, year=2019)
    stamps = {
        "created_changeset_id": household.created_changeset_id,
        "updated_changeset_id": household.created_changeset_id,
    }
    session.add(Income(household_id=household.id, year=2020, per_capita_net_income=5200.0, **stamps))
    session.add_all(
        [
            Assistance(household_id=household.id, category="产业扶贫", year=2019, amount=800.0, **stamps),
            Assistance(household_id=household.id, category="教育扶贫", year=2020, **stamps),
            Helper(household_id=household.id, name="王帮扶", work_unit="县农业农村局", **stamps),
        ]
    )
    removed = session.scalars(select(Member).where(Member.name == "已移除")).one()
    removed.deleted_at = datetime(2020, 6, 1)
    session.flush()
    held = service.belongings(session=session, household=household)
    assert [member.name for member in held.members] == ["户主甲", "长子"]  # head first, then by person number
    assert held.members[1].birth_date == date(2001, 5, 6)
    assert [(row.year, row.per_capita_net_income) for row in held.incomes] == [(2020, 5200.0), (2019, 4100.5)]
    assert [(row.year, row.category, row.amount) for row in held.assistance] == [
        (2020, "教育扶贫", None),
        (2019, "产业扶贫", 800.0),
    ]
    assert [(row.name, row.work_unit, row.deleted_at) for row in held.helpers] == [("王帮扶", "县农业农村局", None)]
    assert held.incomes[0]._asdict()["household_id"] == household.id
    nothing = service.belongings(session=session, household=make_household(session))
    assert (len(nothing.members), nothing.incomes, nothing.assistance, nothing.helpers) == (1, [], [], [])


def test_a_household_with_its_chain_belongings_and_more_in_one_read(session: Session, backend: str) -> None:
    household = make_household(session)
    members = select(func.count().label("n")).where(Member.household_id == bindparam("household_id", type_=Integer))
    extra = (Part("Count", members, lambda c: ()),)
    read = service.read_household(
        session=session, scope=Scope.of(VILLAGE_CODE[:6]), household_id=household.id, extra=extra
    )
    assert (read.household.id, read.household.household_number) == (household.id, household.household_number)
    assert read.household.deleted_at is None
    assert read.chain == divisions.parent_chain(session=session, code=VILLAGE_CODE)
    assert [unit.level for unit in read.chain] == [1, 2, 3, 4, 5]
    assert read.belongings == service.belongings(session=session, household=household)
    assert [row.n for row in read.more[0]] == [1]
    for scope, asked in ((Scope.of("5201"), household.id), (Scope.everything(), household.id + 1000)):
        with pytest.raises(NotFoundError):
            service.read_household(session=session, scope=scope, household_id=asked)
    if backend == "postgres":  # long as it is, psycopg keeps the statement converted (`postgres_cursor.py`)
        statement = service._HOUSEHOLD_READS[(False, extra)].statement
        assert len(str(statement.compile(dialect=session.get_bind().dialect)).encode()) < CACHED_QUERY_LENGTH
