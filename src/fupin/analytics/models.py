"""Derived tables, rebuilt set-wise from the registry and never edited by hand.

`analytics_village`: one row per village with households, every measure of `measures.MEASURES` and when it was
computed. Any unit's figures are the sum of its villages' rows, found by the code-prefix range on the primary key.

`analytics_unit_month`: the trend. The registry keeps no dated history of status changes (返贫, monitoring, exits
carry a year at most), so the state by month cannot be rebuilt from the registry later; it is recorded as it
happens. Each refresh writes, for the current month, the trend figures of the refreshed villages and of every unit
above them (township … province, and the whole country as 000000000000). A unit's trend is then one index range
on (division_code, month); a month without a row for a unit means nothing in it changed, so its previous month holds.

`analytics_unit`: the current roll-up of every unit above the villages (township … province, and the whole country
as 000000000000): the same measures summed over its villages, how many villages and the oldest village row's time.
Refreshed with the village rows, level by level from the level below, so any unit's figures and its children's are
one indexed read of a few hundred rows at most instead of a sum over thousands of village rows.
"""

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fupin.analytics.measures import MEASURES, TREND
from fupin.db import Base

COUNTRY_CODE = "000000000000"


class VillageFigures(Base):
    __tablename__ = "analytics_village"

    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class UnitMonth(Base):
    __tablename__ = "analytics_unit_month"

    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    level: Mapped[int] = mapped_column(Integer)  # 0 the country, 1 province … 5 village
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class UnitTotals(Base):
    __tablename__ = "analytics_unit"
    __table_args__ = (Index("ix_analytics_unit_level_division_code", "level", "division_code"),)

    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)  # 0 the country, 1 province … 4 township
    villages: Mapped[int] = mapped_column(Integer)  # village rows summed (villages with live households)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)  # the oldest of those village rows


# One integer column per measure (and per trend figure), declared from the data so table and measures agree.
for _measure in MEASURES:
    setattr(VillageFigures, _measure.name, mapped_column(_measure.name, Integer, nullable=False, default=0))
    setattr(UnitTotals, _measure.name, mapped_column(_measure.name, Integer, nullable=False, default=0))
for _name in TREND:
    setattr(UnitMonth, _name, mapped_column(_name, Integer, nullable=False, default=0))
