"""A household's history: who created it and every later change, with the values before and after."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Row,
    String,
    Text,
    bindparam,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from fupin.audit import AuditEvent, Changeset
from fupin.divisions.scope import Scope
from fupin.registry.models import Household, Member
from fupin.side_by_side import Part, SideBySide


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
    changeset: Changeset | Row[Any],
    entity: str,
    entity_id: str,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
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
    session.flush()  # the statement goes to the connection, which the ORM's autoflush does not see
    return entries_of(_HISTORY.read(session.connection(), {"household_id": household.id})[0], household)


def entries_of(rows: list[Any], household: Household) -> list[Entry]:
    """The rows of HISTORY_PART, read alone or with other parts, as the history's entries."""
    entries = []
    for row in rows:
        if row.part == _EVENTS:
            before, after = json.loads(row.before or "{}"), json.loads(row.after or "{}")
            entries.append(_entry(row, row.entity, row.entity_id, row.action, before, after))
        elif row.part == _HOUSEHOLD_CREATED:
            entries.append(_entry(row, "household", str(household.id), "insert", {}, {"记录": row.label}))
        else:
            label = f"{row.label} {row.id_number}"
            entries.append(_entry(row, "member", str(row.seq), "insert", {}, {"记录": label}))
    return sorted(entries, key=lambda entry: entry.at)


_HOUSEHOLD_CREATED, _MEMBERS_CREATED, _EVENTS = 0, 1, 2


def _history_source() -> CompoundSelect[Any]:
    """The household's creation, each member's ever in it (by member id) and its audit events (by event id), each
    with its changeset: one statement, in that order, read as plain rows (`part` tells the three apart)."""
    changesets = Changeset.__table__.c
    stamp = (changesets.at, changesets.actor, changesets.channel, changesets.source)
    households, members, events = Household.__table__.c, Member.__table__.c, AuditEvent.__table__.c
    household_id = bindparam("household_id", type_=Integer)
    event_columns = {"entity": String, "entity_id": String, "action": String, "before": Text, "after": Text}
    nothing = [null().cast(kind).label(name) for name, kind in event_columns.items()]
    created = select(
        literal_column(str(_HOUSEHOLD_CREATED), Integer).label("part"),
        households.id.label("seq"),
        *stamp,
        *nothing,
        households.household_number.label("label"),
        null().cast(String).label("id_number"),
    ).join_from(Household.__table__, Changeset.__table__, changesets.id == households.created_changeset_id)
    members_created = select(
        literal_column(str(_MEMBERS_CREATED), Integer), members.id, *stamp, *nothing, members.name, members.id_number
    ).join_from(Member.__table__, Changeset.__table__, changesets.id == members.created_changeset_id)
    recorded = select(
        literal_column(str(_EVENTS), Integer),
        events.id,
        *stamp,
        events.entity,
        events.entity_id,
        events.action,
        events.before,
        events.after,
        null().cast(String),
        null().cast(String),
    ).join_from(AuditEvent.__table__, Changeset.__table__, changesets.id == events.changeset_id)
    return union_all(
        created.where(households.id == household_id),
        members_created.where(members.household_id == household_id),
        recorded.where(events.household_id == household_id),
    )  # fmt: skip


HISTORY_PART = Part("HistoryRow", _history_source(), lambda c: (c.part, c.seq))
_HISTORY = SideBySide(HISTORY_PART)
