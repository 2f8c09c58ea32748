"""Tree queries over the seeded Guizhou table, and the scope condition every later query goes through."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.divisions import service
from fupin.divisions.codes import prefix, prefix_range, structural_level
from fupin.divisions.models import Division
from fupin.divisions.scope import Scope


def test_parent_chain_runs_from_the_province_down() -> None:
    assert structural_level("520526100034") == 5
    assert prefix("520526000000") == "520526"
    assert prefix_range("5205") == ("520500000000", "520600000000")
    assert prefix_range("99") == ("990000000000", "A")


def test_unit_chain_children_and_descendants(session: Session) -> None:
    chain = service.parent_chain(session=session, code="520526100034")
    assert [unit.level for unit in chain] == [1, 2, 3, 4, 5]
    assert [unit.name for unit in chain][:3] == ["贵州省", "毕节市", "威宁彝族回族苗族自治县"]
    towns = service.children(session=session, code="520526000000")
    assert towns
    assert all(unit.level == 4 and unit.code.startswith("520526") for unit in towns)
    villages = service.descendants(session=session, prefix="520526", level=5)
    assert len(villages) > 500
    assert all(unit.code.startswith("520526") for unit in villages)
    assert [unit.code for unit in service.children(session=session, code=None)] == ["520000000000"]


def test_parent_chain_follows_parent_codes_that_are_not_the_code_prefix(session: Session) -> None:
    """Like 东莞's townships (directly under the prefecture): the chain is what `parent_code` says, not the prefixes."""
    town = session.get(Division, "520526100000")
    assert town is not None
    town.parent_code = "520500000000"
    session.add(Division(code="529900000000", name="直管区", parent_code="520000000000", level=2))
    session.flush()
    assert [unit.code for unit in service.parent_chain(session=session, code="520526100034")] == [
        "520000000000", "520500000000", "520526100000", "520526100034"
    ]  # fmt: skip
    moved = session.get(Division, "520526100034")
    assert moved is not None
    moved.parent_code = "529900000000"
    session.flush()
    chain = service.parent_chain(session=session, code="520526100034")
    assert [unit.name for unit in chain][:2] == ["贵州省", "直管区"]


def test_find_by_name_within_a_prefix(session: Session) -> None:
    found = service.find(session=session, name="威宁")
    assert found[0].code == "520526000000"
    assert all(unit.code.startswith("5205") for unit in service.find(session=session, name="村", under="5205", limit=5))
    assert service.find(session=session, name="%") == []


def test_scope_limits_any_query_to_a_prefix(session: Session) -> None:
    statement = Scope.of("520526").apply(select(Division.code), Division.code)
    codes = list(session.scalars(statement))
    assert codes
    assert all(code.startswith("520526") for code in codes)
    everything = list(session.scalars(Scope.everything().apply(select(Division.code), Division.code)))
    assert len(everything) > len(codes)
