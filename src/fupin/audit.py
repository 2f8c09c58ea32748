"""Who changed what, when, from where: every write happens inside a changeset; updates and deletes keep before/after.

An insert stores no copy of the row: the row carries `created_changeset_id`, and its values at insert time
are its current values with the `before` of every later event applied in reverse (see `history`).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from fupin.db import Base, utcnow


class Changeset(Base):
    __tablename__ = "audit_changeset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and through which channel (cli, import, web, api, synth, system)."""

    name: str
    channel: str
    origin: str | None = None


def open_changeset(
    *, session: Session, actor: Actor, purpose: str | None = None, source: str | None = None
) -> Changeset:
    """Start a changeset; every row written in it points back here."""
    changeset = Changeset(actor=actor.name, channel=actor.channel, origin=actor.origin, purpose=purpose, source=source)
    session.add(changeset)
    session.flush()
    return changeset


def dumps(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)


def record(
    *,
    session: Session,
    changeset: Changeset,
    entity: str,
    entity_id: object,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    household_id: int | None = None,
) -> None:
    """Record one update or delete with the values it replaced."""
    session.add(
        AuditEvent(
            changeset_id=changeset.id,
            entity=entity,
            entity_id=str(entity_id),
            household_id=household_id,
            action=action,
            before=dumps(before) if before is not None else None,
            after=dumps(after) if after is not None else None,
        )
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that changed, as (old values, new values)."""
    changed = [key for key in after if before.get(key) != after[key]]
    return ({key: before.get(key) for key in changed}, {key: after[key] for key in changed})


def get_changeset(*, session: Session, changeset_id: int) -> Changeset | None:
    return session.get(Changeset, changeset_id)
