"""Households (户), members (人), yearly incomes, assistance measures and responsible cadres."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fupin.db import Base, utcnow


class Tracked:
    """Columns every registry row carries: the changesets that made and last changed it, and a soft delete."""

    created_changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    updated_changeset_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit_changeset.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)


class Household(Tracked, Base):
    __tablename__ = "registry_household"
    __table_args__ = (
        Index(
            "uq_registry_household_number_live",
            "household_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # The household list: a scope (code range) read in 户编号 order.
        Index(
            "ix_registry_household_division_number",
            "division_code",
            "household_number",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_number: Mapped[str] = mapped_column(String(32))
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions_unit.code"), index=True)
    group_name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    household_type: Mapped[str | None] = mapped_column(String(20))
    household_attribute: Mapped[str | None] = mapped_column(String(20))
    identification_standard: Mapped[str | None] = mapped_column(String(10))
    poverty_status: Mapped[str | None] = mapped_column(String(10), index=True)
    identified_date: Mapped[date | None] = mapped_column(Date)
    exit_year: Mapped[int | None] = mapped_column(SmallInteger)
    monitoring_category: Mapped[str | None] = mapped_column(String(20))
    main_cause: Mapped[str | None] = mapped_column(String(20), index=True)
    other_causes: Mapped[str | None] = mapped_column(String(50))
    military_family: Mapped[bool | None] = mapped_column(Boolean)
    relocated: Mapped[bool | None] = mapped_column(Boolean)
    relocation_mode: Mapped[str | None] = mapped_column(String(50))
    cultivated_land_mu: Mapped[float | None] = mapped_column(Float)
    irrigated_land_mu: Mapped[float | None] = mapped_column(Float)
    forest_land_mu: Mapped[float | None] = mapped_column(Float)
    returned_forest_mu: Mapped[float | None] = mapped_column(Float)
    orchard_mu: Mapped[float | None] = mapped_column(Float)
    pasture_mu: Mapped[float | None] = mapped_column(Float)
    water_surface_mu: Mapped[float | None] = mapped_column(Float)
    house_area_m2: Mapped[float | None] = mapped_column(Float)
    house_structure: Mapped[str | None] = mapped_column(String(20))
    house_built_year: Mapped[int | None] = mapped_column(SmallInteger)
    house_safety_grade: Mapped[str | None] = mapped_column(String(1))
    dilapidated: Mapped[bool | None] = mapped_column(Boolean)
    water_source: Mapped[str | None] = mapped_column(String(20))
    water_safe: Mapped[bool | None] = mapped_column(Boolean)
    water_difficult: Mapped[bool | None] = mapped_column(Boolean)
    water_quantity_lpd: Mapped[float | None] = mapped_column(Float)
    water_fetch_minutes: Mapped[float | None] = mapped_column(Float)
    water_guaranteed: Mapped[bool | None] = mapped_column(Boolean)
    water_quality_ok: Mapped[bool | None] = mapped_column(Boolean)
    household_power: Mapped[bool | None] = mapped_column(Boolean)
    production_power: Mapped[bool | None] = mapped_column(Boolean)
    radio_tv: Mapped[bool | None] = mapped_column(Boolean)
    access_road_type: Mapped[str | None] = mapped_column(String(20))
    road_distance_km: Mapped[float | None] = mapped_column(Float)
    sanitary_toilet: Mapped[bool | None] = mapped_column(Boolean)
    main_fuel: Mapped[str | None] = mapped_column(String(20))
    coop_member: Mapped[bool | None] = mapped_column(Boolean)
    enterprise_link: Mapped[bool | None] = mapped_column(Boolean)
    entrepreneur_link: Mapped[bool | None] = mapped_column(Boolean)
    industry_support_type: Mapped[str | None] = mapped_column(String(100))
    no_labour_safety_net: Mapped[bool | None] = mapped_column(Boolean)


class Member(Tracked, Base):
    __tablename__ = "registry_member"
    __table_args__ = (
        Index(
            "uq_registry_member_id_number_live",
            "id_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Search by the last digits of an ID number (conditions.id_tail writes the same expression).
        Index("ix_registry_member_id_tail", text("substr(id_number, length(id_number) - 3)")),
        # Names by prefix: LIKE 'x%' on PostgreSQL needs pattern ops under a non-C collation; SQLite uses a range.
        Index("ix_registry_member_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_household.id"), index=True)
    person_number: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_type: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str] = mapped_column(String(32))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(10))
    education: Mapped[str | None] = mapped_column(String(10))
    school_status: Mapped[str | None] = mapped_column(String(20))
    labour_skill: Mapped[str | None] = mapped_column(String(20))
    work_months: Mapped[int | None] = mapped_column(SmallInteger)
    work_place: Mapped[str | None] = mapped_column(String(100))
    employer: Mapped[str | None] = mapped_column(String(100))
    works_abroad: Mapped[bool | None] = mapped_column(Boolean)
    employment_channel: Mapped[str | None] = mapped_column(String(50))
    industry_category: Mapped[str | None] = mapped_column(String(50))
    political_status: Mapped[str | None] = mapped_column(String(10))
    health: Mapped[str | None] = mapped_column(String(40))
    disability_category: Mapped[str | None] = mapped_column(String(20))
    disability_cert_year: Mapped[int | None] = mapped_column(SmallInteger)
    speaks_mandarin: Mapped[bool | None] = mapped_column(Boolean)
    dropout_reason: Mapped[str | None] = mapped_column(String(100))
    dibao: Mapped[bool | None] = mapped_column(Boolean)
    tekun: Mapped[bool | None] = mapped_column(Boolean)
    welfare_job_type: Mapped[str | None] = mapped_column(String(50))
    welfare_job_months: Mapped[int | None] = mapped_column(SmallInteger)
    ins_resident_medical: Mapped[bool | None] = mapped_column(Boolean)
    ins_critical_illness: Mapped[bool | None] = mapped_column(Boolean)
    ins_resident_pension: Mapped[bool | None] = mapped_column(Boolean)
    ins_employee_pension: Mapped[bool | None] = mapped_column(Boolean)
    ins_employee_medical: Mapped[bool | None] = mapped_column(Boolean)
    ins_commercial: Mapped[bool | None] = mapped_column(Boolean)
    critical_illness_aid: Mapped[bool | None] = mapped_column(Boolean)
    other_health_aid: Mapped[bool | None] = mapped_column(Boolean)


class Income(Tracked, Base):
    """A household's income by source for one year, with the net and per-capita net it yields (§1.6)."""

    __tablename__ = "registry_income"
    __table_args__ = (Index("uq_registry_income_household_year", "household_id", "year", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_household.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    household_size: Mapped[int | None] = mapped_column(SmallInteger)
    wage_income: Mapped[float | None] = mapped_column(Float)
    welfare_job_income: Mapped[float | None] = mapped_column(Float)
    other_wage_income: Mapped[float | None] = mapped_column(Float)
    business_income: Mapped[float | None] = mapped_column(Float)
    property_income: Mapped[float | None] = mapped_column(Float)
    dividend_income: Mapped[float | None] = mapped_column(Float)
    other_property_income: Mapped[float | None] = mapped_column(Float)
    transfer_income: Mapped[float | None] = mapped_column(Float)
    pension_income: Mapped[float | None] = mapped_column(Float)
    family_planning_income: Mapped[float | None] = mapped_column(Float)
    eco_compensation_income: Mapped[float | None] = mapped_column(Float)
    dibao_income: Mapped[float | None] = mapped_column(Float)
    tekun_income: Mapped[float | None] = mapped_column(Float)
    other_transfer_income: Mapped[float | None] = mapped_column(Float)
    business_costs: Mapped[float | None] = mapped_column(Float)
    cost_subsidy: Mapped[float | None] = mapped_column(Float)
    industry_reward: Mapped[float | None] = mapped_column(Float)
    employment_reward: Mapped[float | None] = mapped_column(Float)
    net_income: Mapped[float | None] = mapped_column(Float)
    per_capita_net_income: Mapped[float | None] = mapped_column(Float)


class Assistance(Tracked, Base):
    """An assistance measure (帮扶措施) given to a household."""

    __tablename__ = "registry_assistance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_household.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(SmallInteger)
    amount: Mapped[float | None] = mapped_column(Float)


class Helper(Tracked, Base):
    """A cadre responsible for assisting a household (帮扶责任人)."""

    __tablename__ = "registry_helper"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer, ForeignKey("registry_household.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    work_unit: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
