"""A household's history: who created it and every later change, with the values before and after."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fupin.audit import Changeset, events_for_household
from fupin.divisions.scope import Scope
from fupin.registry.models import Household, Member


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    actor: str
    channel: str
    source: str | None
    entity: str
    entity_id: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]


def _entry(
    changeset: Changeset, entity: str, entity_id: str, action: str, before: dict[str, Any], after: dict[str, Any]
) -> Entry:
    """One line of history: what changed, stamped with who, when and through which channel."""
    return Entry(
        changeset.at, changeset.actor, changeset.channel, changeset.source, entity, entity_id, action, before, after
    )


def find_household(*, session: Session, scope: Scope, key: str) -> Household | None:
    """A live household by 户编号, or the one a member's ID number belongs to; None outside the scope."""
    statement = (
        select(Household)
        .outerjoin(Member, (Member.household_id == Household.id) & Member.deleted_at.is_(None))
        .where(or_(Household.household_number == key, Member.id_number == key), Household.deleted_at.is_(None))
        .limit(1)
    )
    return session.scalars(scope.apply(statement, Household.division_code)).first()


def history(*, session: Session, household: Household) -> list[Entry]:
    """Creation of the household and its members, then every recorded update and delete, oldest first."""
    entries = _creations(session, household)
    for event, changeset in events_for_household(session=session, household_id=household.id):
        before, after = json.loads(event.before or "{}"), json.loads(event.after or "{}")
        entries.append(_entry(changeset, event.entity, event.entity_id, event.action, before, after))
    return sorted(entries, key=lambda entry: entry.at)


def _creations(session: Session, household: Household) -> list[Entry]:
    """The creation of the household and of each member ever in it, with their changesets in one statement."""
    members = session.execute(
        select(Member, Changeset)
        .join(Changeset, Changeset.id == Member.created_changeset_id)
        .where(Member.household_id == household.id)
        .order_by(Member.id)
    ).all()
    entries = []
    created = session.get(Changeset, household.created_changeset_id) if household.created_changeset_id else None
    if created is not None:
        label = household.household_number
        entries.append(_entry(created, "household", str(household.id), "insert", {}, {"记录": label}))
    for member, changeset in members:
        label = f"{member.name} {member.id_number}"
        entries.append(_entry(changeset, "member", str(member.id), "insert", {}, {"记录": label}))
    return entries
