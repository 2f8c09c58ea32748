"""Rural population per village and year (the denominator of poverty incidence), and the assessment samples.

Populations are registry-like rows: they carry their changesets and a soft delete, and a change is an audit event.
A sample is written once by the draw (its villages and households with their inclusion probabilities); only the
survey result of a sampled household changes afterwards, audited like any other edit.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow
from fupin.registry.models import Tracked


class RuralPopulation(Tracked, Base):
    __tablename__ = "assessment_rural_population"
    __table_args__ = (
        Index(
            "uq_assessment_rural_population_live",
            "division_code",
            "year",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions_unit.code"))
    year: Mapped[int] = mapped_column(SmallInteger)
    rural_population: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))


class Sample(Base):
    """One draw for one county: its parameters, so the same seed and parameters give the same households again."""

    __tablename__ = "assessment_sample"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions_unit.code"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    seed: Mapped[int] = mapped_column(Integer)
    margin: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    expected_rate: Mapped[float] = mapped_column(Float)
    design_effect: Mapped[float] = mapped_column(Float)
    villages_wanted: Mapped[int] = mapped_column(Integer)
    design: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"))


class SampleVillage(Base):
    __tablename__ = "assessment_sample_village"
    __table_args__ = (Index("uq_assessment_sample_village", "sample_id", "division_code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(Integer, ForeignKey("assessment_sample.id"))
    division_code: Mapped[str] = mapped_column(String(12))
    households: Mapped[int] = mapped_column(Integer)  # the size the PPS draw used
    probability: Mapped[float] = mapped_column(Float)


class SampleHousehold(Base):
    """A sampled household, its stratum and inclusion probability, and what the survey found (NULL: not surveyed)."""

    __tablename__ = "assessment_sample_household"
    __table_args__ = (Index("uq_assessment_sample_household", "sample_id", "household_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(Integer, ForeignKey("assessment_sample.id"))
    household_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_household.id"))
    division_code: Mapped[str] = mapped_column(String(12))
    stratum: Mapped[str] = mapped_column(String(20))  # "exited" (建档立卡已脱贫) or "non_registered"
    village_probability: Mapped[float] = mapped_column(Float)
    household_probability: Mapped[float] = mapped_column(Float)
    members: Mapped[int] = mapped_column(SmallInteger)  # registry members at the draw
    wrongly_exited: Mapped[bool | None] = mapped_column(Boolean)
    missed: Mapped[bool | None] = mapped_column(Boolean)
    approves: Mapped[bool | None] = mapped_column(Boolean)
    people: Mapped[int | None] = mapped_column(SmallInteger)  # people found in the household at the survey
    surveyor: Mapped[str | None] = mapped_column(String(50))
    surveyed_on: Mapped[date | None] = mapped_column(Date)
    updated_changeset_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
