"""Every ORM model, imported once so the metadata (and Alembic) sees all tables."""

from fupin.accounts.models import ApiToken, LoginThrottle, PageSession, User
from fupin.analytics.models import UnitMonth, VillageFigures
from fupin.assessment.exit_models import RuralPopulation, Sample, SampleHousehold, SampleVillage
from fupin.assessment.models import AssessmentRun, IndicatorFigures, UnitFigures, Verdict
from fupin.audit import AuditEvent, Changeset
from fupin.db import Base
from fupin.divisions.models import CodeChange, Division
from fupin.jobs.models import Job
from fupin.registry.models import Assistance, Helper, Household, Income, Member
from fupin.standards.models import Indicator, MonitoringRange, PovertyLine, StandardSet

__all__ = [
    "ApiToken",
    "AssessmentRun",
    "Assistance",
    "AuditEvent",
    "Base",
    "Changeset",
    "CodeChange",
    "Division",
    "Helper",
    "Household",
    "Income",
    "Indicator",
    "IndicatorFigures",
    "Job",
    "LoginThrottle",
    "Member",
    "MonitoringRange",
    "PageSession",
    "PovertyLine",
    "RuralPopulation",
    "Sample",
    "SampleHousehold",
    "SampleVillage",
    "StandardSet",
    "UnitFigures",
    "UnitMonth",
    "User",
    "Verdict",
    "VillageFigures",
]
