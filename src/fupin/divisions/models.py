from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow


class Division(Base):
    __tablename__ = "divisions_unit"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    level: Mapped[int] = mapped_column(SmallInteger, index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_changeset_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    updated_changeset_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodeChange(Base):
    """An old code that now lives under a new one (villages merge, counties are renamed)."""

    __tablename__ = "divisions_code_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    old_code: Mapped[str] = mapped_column(String(12), index=True)
    new_code: Mapped[str] = mapped_column(String(12), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
