"""Runs and verdicts: append-only, so every verdict ever given stays with the standard version that gave it."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow


class AssessmentRun(Base):
    __tablename__ = "assessment_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    scope_prefix: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date] = mapped_column(Date)
    standard_set_id: Mapped[int] = mapped_column(Integer, ForeignKey("standards_set.id"))
    indicator_codes: Mapped[list[str]] = mapped_column(JSON)  # bit i of the masks is indicator_codes[i]
    required_mask: Mapped[int] = mapped_column(Integer)
    exit_lines: Mapped[dict[str, float]] = mapped_column(JSON)  # province code → exit line used
    status: Mapped[str] = mapped_column(String(10), default="running")
    households: Mapped[int] = mapped_column(Integer, default=0)
    meeting: Mapped[int] = mapped_column(Integer, default=0)
    changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class Verdict(Base):
    """One household in one run: which indicators failed or could not be decided, and the overall verdict.

    No foreign keys: verdicts are written only by the run's INSERT … SELECT from the live registry, in the run's
    own transaction, and PostgreSQL's per-row foreign-key triggers would more than double the run's time.
    """

    __tablename__ = "assessment_verdict"
    __table_args__ = (
        Index("ix_assessment_verdict_run_division", "run_id", "division_code"),
        Index("ix_assessment_verdict_household_run", "household_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    household_id: Mapped[int] = mapped_column(Integer)
    division_code: Mapped[str] = mapped_column(String(12))
    members: Mapped[int] = mapped_column(SmallInteger)
    per_capita_net_income: Mapped[float | None] = mapped_column(Float)
    exit_line: Mapped[float] = mapped_column(Float)
    failed_mask: Mapped[int] = mapped_column(Integer)
    unknown_mask: Mapped[int] = mapped_column(Integer)
    meets_exit: Mapped[bool] = mapped_column(Boolean)


class UnitFigures(Base):
    """A unit's verdict figures for a year, from the latest run covering each of its villages (derived, never edited).

    Level 5 rows are villages, summed from that run's verdicts; level 4 … 0 (township … the country as 000000000000)
    are summed from the level below, so every figure is additive. The Alkire–Foster sums (`poor_members`,
    `poor_score`, with `indicator` rows' censored sums) give H, A, M0 and contributions exactly at any level.
    """

    __tablename__ = "assessment_unit_figures"
    __table_args__ = (Index("ix_assessment_unit_figures_year_level_division", "year", "level", "division_code"),)

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)  # 0 the country, 1 province … 5 village
    villages: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int] = mapped_column(Integer)  # the newest run among the villages' latest runs
    households: Mapped[int] = mapped_column(Integer)
    members: Mapped[int] = mapped_column(Integer)
    meeting_households: Mapped[int] = mapped_column(Integer)
    meeting_members: Mapped[int] = mapped_column(Integer)
    failing_households: Mapped[int] = mapped_column(Integer)  # failed a required indicator
    failing_members: Mapped[int] = mapped_column(Integer)
    undecided_households: Mapped[int] = mapped_column(Integer)  # failed none, unknown on a required one
    undecided_members: Mapped[int] = mapped_column(Integer)
    poor_members: Mapped[int] = mapped_column(Integer)  # people in households whose score reaches k
    poor_score: Mapped[float] = mapped_column(Float)  # Σ members × deprivation score over those households
    mpi_cutoff: Mapped[float] = mapped_column(Float)  # k (the largest among the villages summed)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


class IndicatorFigures(Base):
    """Per unit, year and indicator code: households failing or undecided, and the censored headcount sums."""

    __tablename__ = "assessment_indicator_figures"
    __table_args__ = (Index("ix_assessment_indicator_figures_year_level_division", "year", "level", "division_code"),)

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)  # households
    unknown: Mapped[int] = mapped_column(Integer)  # households
    failed_members: Mapped[int] = mapped_column(Integer)
    censored_members: Mapped[int] = mapped_column(Integer)  # people of poor households deprived on it
    censored_score: Mapped[float] = mapped_column(Float)  # weight × censored_members (contribution numerator)
