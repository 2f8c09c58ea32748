"""analytics_unit: every unit's roll-up row equals the sum of its village rows after imports, edits and deletes."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fupin.analytics import rollup, service
from fupin.analytics.service import LEVEL_LENGTHS, NAMES, UNITS, VILLAGES, unit_code
from fupin.audit import Actor, open_changeset
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.registry import editing
from fupin.registry.models import Household
from tests.analytics.test_analytics_service import with_status
from tests.factories.analytics import TAIJIANG, WEINING, import_tables, synthetic

NOW = datetime(2026, 11, 23, 10, 0)


def village_sums(session: Session) -> dict[str, tuple[int, ...]]:
    """Every unit's figures summed straight from the village rows (the definition the roll-up rows must meet)."""
    sums: dict[str, tuple[int, ...]] = {}
    for level, length in LEVEL_LENGTHS.items():
        if level == 5:
            continue
        unit = unit_code(VILLAGES.c.division_code, length)
        statement = select(unit, func.count(), *(func.sum(VILLAGES.c[n]) for n in NAMES)).group_by(unit)
        sums.update({str(row[0]): tuple(int(v) for v in row[1:]) for row in session.execute(statement)})
    return sums


def rollup_rows(session: Session) -> dict[str, tuple[int, ...]]:
    """The stored roll-up rows that cover at least one village (emptied units keep a row of zeros)."""
    statement = select(UNITS.c.division_code, UNITS.c.villages, *(UNITS.c[n] for n in NAMES))
    return {str(row[0]): tuple(int(v) for v in row[1:]) for row in session.execute(statement) if row[1]}


def test_roll_up_rows_equal_village_sums_after_import_and_reimport(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    import_tables(session, tmp_path, households, members)
    first = rollup_rows(session)
    assert first == village_sums(session)
    assert {"000000000000", "520000000000", WEINING + "000000", TAIJIANG + "000000"} <= set(first)
    numbers = households.column("户编号").to_pylist()[:30]
    import_tables(session, tmp_path, with_status(households, numbers, "返贫"), members)
    assert rollup_rows(session) == village_sums(session)
    assert rollup_rows(session) != first


def test_roll_up_rows_follow_soft_deletes_and_edits(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)
    village = session.scalars(select(Household.division_code).order_by(Household.division_code).limit(1)).one()
    session.execute(update(Household).where(Household.division_code == village).values(deleted_at=NOW))
    service.refresh(session=session, village_codes=[village], now=NOW)
    assert rollup_rows(session) == village_sums(session)

    household = session.scalars(select(Household).where(Household.deleted_at.is_(None)).limit(1)).one()
    cause = "因病" if household.main_cause != "因病" else "因残"
    before = rollup.totals(session=session, scope=Scope.everything(), prefix="")
    editing.update_household(
        session=session, scope=Scope.everything(), changeset=open_changeset(session=session, actor=Actor("t", "web")),
        household=household, values={"main_cause": cause}, settings=Settings(), today=NOW.date(),
    )  # fmt: skip
    assert rollup_rows(session) == village_sums(session)
    after = rollup.totals(session=session, scope=Scope.everything(), prefix="")
    assert after["households"] == before["households"]
    assert after["cause_illness"] != before["cause_illness"] or after["cause_disability"] != before["cause_disability"]

    changeset = open_changeset(session=session, actor=Actor("t", "web"))
    editing.delete_household(session=session, changeset=changeset, household=household, now=NOW)
    assert rollup_rows(session) == village_sums(session)
    gone = rollup.totals(session=session, scope=Scope.everything(), prefix="")
    assert gone["households"] == before["households"] - 1


def test_rebuilding_the_roll_ups_from_bulk_loaded_villages(session: Session, tmp_path: Path) -> None:
    households, members = synthetic(members=1_000)
    import_tables(session, tmp_path, households, members)
    expected = rollup_rows(session)
    session.execute(UNITS.delete())
    assert rollup.totals(session=session, scope=Scope.everything(), prefix="52")["households"] == 0
    assert service.refresh_rollups(session=session, now=NOW) >= len(expected)
    assert rollup_rows(session) == expected


def test_reads_stay_inside_the_scope(session: Session, tmp_path: Path) -> None:
    households, members = synthetic()
    import_tables(session, tmp_path, households, members)
    county = Scope.of(WEINING, can_capture=False)
    sums = village_sums(session)
    townships = rollup.by_unit(session=session, scope=county, prefix="52", length=9)
    assert townships
    assert all(code.startswith(WEINING) for code in townships)
    assert rollup.by_unit(session=session, scope=county, prefix=TAIJIANG, length=9) == {}
    assert rollup.totals(session=session, scope=county, prefix="")["households"] == sums[WEINING + "000000"][1]
    prefectures = rollup.by_unit(session=session, scope=Scope.everything(), prefix="52", length=4)
    assert {code: f.villages for code, f in prefectures.items()} == {
        code: figures[0] for code, figures in sums.items() if code[4:] == "0" * 8 and code[2:4] != "00"
    }
