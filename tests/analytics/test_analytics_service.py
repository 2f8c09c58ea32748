"""analytics_village equals a direct GROUP BY over the registry after imports, changes and soft deletes."""

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fupin.analytics import rollup, service
from fupin.analytics.measures import MEASURES
from fupin.divisions.scope import Scope
from fupin.registry.models import Household
from tests.factories.analytics import (
    TAIJIANG,
    WEINING,
    direct_by_village,
    import_tables,
    stored_by_village,
    synthetic,
)

NOW = datetime(2026, 11, 23, 10, 0)


def with_status(households: pa.Table, numbers: list[str], status: str) -> pa.Table:
    column = households.schema.get_field_index("贫困户状态")
    chosen = pc.is_in(households.column("户编号"), pa.array(numbers))
    replaced = pc.if_else(chosen, pa.scalar(status), households.column(column))
    return households.set_column(column, "贫困户状态", replaced)


def test_an_import_leaves_every_village_equal_to_a_direct_group_by(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    results = import_tables(session, tmp_path, households, members)
    assert all(sheet.rejected == 0 for result in results for sheet in result.sheets)
    expected = direct_by_village(session)
    assert len(expected) > 20
    assert stored_by_village(session) == expected
    assert sum(v["members"] for v in expected.values()) == members.num_rows


def test_a_reimport_with_changes_and_a_soft_delete_keep_the_figures_equal(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    import_tables(session, tmp_path, households, members)
    numbers = households.column("户编号").to_pylist()[:40]
    import_tables(session, tmp_path, with_status(households, numbers, "返贫"), members)
    assert stored_by_village(session) == direct_by_village(session)
    stored = session.execute(select(func.sum(service.VILLAGES.c.status_returned))).scalar()
    assert stored is not None
    assert stored >= 40

    gone = session.scalars(select(Household).where(Household.household_number == numbers[0])).one()
    session.execute(update(Household).where(Household.id == gone.id).values(deleted_at=NOW))
    service.refresh(session=session, village_codes=[gone.division_code], now=NOW)
    assert stored_by_village(session) == direct_by_village(session)


def test_a_village_whose_households_are_all_deleted_drops_out(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)
    village = session.scalars(select(Household.division_code).limit(1)).one()
    session.execute(update(Household).where(Household.division_code == village).values(deleted_at=NOW))
    service.refresh(session=session, village_codes=[village], now=NOW)
    assert village not in stored_by_village(session)
    county = rollup.totals(session=session, scope=Scope.everything(), prefix=village[:6])
    assert county["households"] == sum(
        v["households"] for k, v in direct_by_village(session).items() if k[:6] == village[:6]
    )


def test_refresh_under_a_prefix_rebuilds_only_that_prefix(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)
    session.execute(service.VILLAGES.delete())
    assert service.refresh_under(session=session, prefix=WEINING, now=NOW) > 0
    stored = stored_by_village(session)
    assert stored
    assert all(code.startswith(WEINING) for code in stored)
    service.refresh_under(session=session, prefix="", now=NOW)
    assert stored_by_village(session) == direct_by_village(session)


def test_roll_ups_by_prefix_equal_the_registry(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    import_tables(session, tmp_path, households, members)
    direct = direct_by_village(session)
    everything = Scope.everything()
    for prefix in ("", "52", WEINING, TAIJIANG, WEINING + "100"):
        totals = rollup.totals(session=session, scope=everything, prefix=prefix)
        in_prefix = [v for k, v in direct.items() if k.startswith(prefix)]
        assert totals["households"] == sum(v["households"] for v in in_prefix)
        assert totals["members_poor"] == sum(v["members_poor"] for v in in_prefix)
        assert totals.villages == len(in_prefix)
    townships = rollup.by_unit(session=session, scope=everything, prefix=WEINING, length=9)
    assert set(townships) == {k[:9] + "000" for k in direct if k.startswith(WEINING)}
    for code, figures in townships.items():
        assert figures["members"] == sum(v["members"] for k, v in direct.items() if k[:9] == code[:9])
    assert {m.name for m in MEASURES} == set(rollup.totals(session=session, scope=everything, prefix="").values)


def test_a_county_scope_sees_only_its_county(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    import_tables(session, tmp_path, households, members)
    county = Scope.of(WEINING, can_capture=False)
    province = rollup.totals(session=session, scope=county, prefix="52")
    own = rollup.totals(session=session, scope=Scope.everything(), prefix=WEINING)
    assert province.values == own.values
    assert rollup.totals(session=session, scope=county, prefix=TAIJIANG)["households"] == 0
    assert set(rollup.by_unit(session=session, scope=county, prefix="52", length=6)) == {WEINING + "000000"}
    assert rollup.trend(session=session, scope=county, code=TAIJIANG + "000000") == []
    assert rollup.totals(session=session, scope=Scope(view_prefix=None), prefix="")["households"] == 0


def test_the_trend_records_each_month_and_carries_quiet_months_forward(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)
    everything = Scope.everything()
    service.refresh_under(session=session, prefix="", now=datetime(2099, 1, 5))
    village = session.scalars(
        select(Household.division_code).where(Household.division_code.startswith(WEINING))
    ).first()
    assert village is not None
    session.execute(update(Household).where(Household.division_code == village).values(deleted_at=NOW))
    service.refresh(session=session, village_codes=[village], now=datetime(2099, 3, 9))
    before = rollup.totals(session=session, scope=everything, prefix="")
    country = [m for m in rollup.trend(session=session, scope=everything, code="000000000000") if m.month >= "2099"]
    assert [m.month for m in country] == ["2099-01", "2099-02", "2099-03"]  # after the import's own month
    assert country[0].values == country[1].values  # nothing changed in February
    assert country[-1].values["households"] == before["households"]
    assert country[1].values["households"] > country[2].values["households"]
    other = rollup.trend(session=session, scope=everything, code=TAIJIANG + "000000")
    assert len({tuple(m.values.values()) for m in other if m.month >= "2099"}) == 1
