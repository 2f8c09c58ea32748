"""A standard set is immutable once stored: editing makes a new version, and every verdict names the one it used."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow


class StandardSet(Base):
    __tablename__ = "standards_set"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    exit_criteria: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class PovertyLine(Base):
    """Identification and exit line per year and province ("00" is the national default)."""

    __tablename__ = "standards_poverty_line"
    __table_args__ = (Index("uq_standards_poverty_line", "set_id", "year", "province_code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(Integer, ForeignKey("standards_set.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    province_code: Mapped[str] = mapped_column(String(2))
    identification_line: Mapped[float] = mapped_column(Float)
    exit_line: Mapped[float] = mapped_column(Float)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str | None] = mapped_column(Text)


class MonitoringRange(Base):
    """Per-capita net income below which a household falls in the monitoring range, per year and province."""

    __tablename__ = "standards_monitoring_range"
    __table_args__ = (Index("uq_standards_monitoring_range", "set_id", "year", "province_code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(Integer, ForeignKey("standards_set.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    province_code: Mapped[str] = mapped_column(String(2))
    income_ceiling: Mapped[float] = mapped_column(Float)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str | None] = mapped_column(Text)


class Indicator(Base):
    """One rule of 两不愁三保障 + 饮水安全 (or income), with its parameters and its weight in the MPI."""

    __tablename__ = "standards_indicator"
    __table_args__ = (Index("uq_standards_indicator", "set_id", "code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(Integer, ForeignKey("standards_set.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    dimension: Mapped[str] = mapped_column(String(40))
    definition: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(SmallInteger)
    required_for_exit: Mapped[bool] = mapped_column(Boolean, default=True)
