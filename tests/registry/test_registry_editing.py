"""Edits run through the importer's own checks: same slugs and messages, nothing saved when anything is wrong."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin.audit import Actor, AuditEvent, open_changeset
from fupin.config import Settings
from fupin.divisions.scope import Scope
from fupin.errors import FupinError
from fupin.registry import editing, service
from fupin.registry.models import Household, Member
from tests.factories.registry import citizen_id, family, load_people

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0)
SCOPE = Scope.of("520526")
SETTINGS = Settings()


@pytest.fixture
def household(session: Session, tmp_path: Path) -> Household:
    load_people(session, tmp_path, family("5205261000340001", 3))
    return session.scalars(select(Household)).one()


def changeset(session: Session):  # type: ignore[no-untyped-def]
    return open_changeset(session=session, actor=Actor("tester", "web", "127.0.0.1"))


def slugs(error: pytest.ExceptionInfo[FupinError]) -> set[tuple[str | None, str]]:
    return {(p.location.field, p.slug) for p in error.value.problems}


def test_a_wrong_id_number_gets_the_importers_message_then_the_fix_is_saved(
    session: Session, household: Household
) -> None:
    spouse = next(m for m in service.members(session=session, household=household) if m.relation == "配偶")
    with pytest.raises(FupinError) as error:
        editing.update_member(
            session=session, changeset=changeset(session), household=household, member=spouse,
            values={"id_number": "520526197805090021"}, settings=SETTINGS, today=TODAY,
        )  # fmt: skip
    assert ("id_number", "id-checksum") in slugs(error)
    session.rollback()
    fixed = citizen_id("19780509", "女")
    before = spouse.id_number
    editing.update_member(
        session=session, changeset=changeset(session), household=household, member=spouse,
        values={"id_number": fixed.lower()}, settings=SETTINGS, today=TODAY,
    )  # fmt: skip
    session.commit()
    assert session.get(Member, spouse.id).id_number == fixed  # type: ignore[union-attr]
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "member")).one()
    assert json.loads(event.before or "") == {"id_number": before}
    assert json.loads(event.after or "") == {"id_number": fixed}


def test_a_second_head_is_refused(session: Session, household: Household) -> None:
    values = {"name": "王五", "relation": "户主", "id_number": citizen_id("19600101"), "education": "小学"}
    with pytest.raises(FupinError) as error:
        editing.add_member(
            session=session, changeset=changeset(session), household=household, values=values,
            settings=SETTINGS, today=TODAY,
        )  # fmt: skip
    assert ("relation", "multiple-heads") in slugs(error)
    assert ("members[0].relation", "multiple-heads") in slugs(error)


def test_household_edit_checks_code_lists(session: Session, household: Household) -> None:
    with pytest.raises(FupinError) as error:
        editing.update_household(
            session=session, scope=SCOPE, changeset=changeset(session), household=household,
            values={"main_cause": "因懒", "water_safe": "也许"}, settings=SETTINGS, today=TODAY,
        )  # fmt: skip
    assert slugs(error) == {("main_cause", "bad-code"), ("water_safe", "bad-bool")}
    before = editing.update_household(
        session=session, scope=SCOPE, changeset=changeset(session), household=household,
        values={"main_cause": "因病", "water_safe": "否"}, settings=SETTINGS, today=TODAY,
    )  # fmt: skip
    assert household.main_cause == "因病"
    assert household.water_safe is False
    assert "main_cause" in before
