"""Every ORM model, imported once so the metadata (and Alembic) sees all tables."""

from fupin.accounts.models import ApiToken, LoginThrottle, PageSession, User
from fupin.audit import AuditEvent, Changeset
from fupin.db import Base
from fupin.divisions.models import CodeChange, Division
from fupin.jobs.models import Job
from fupin.registry.models import Assistance, Helper, Household, Income, Member

__all__ = [
    "ApiToken",
    "Assistance",
    "AuditEvent",
    "Base",
    "Changeset",
    "CodeChange",
    "Division",
    "Helper",
    "Household",
    "Income",
    "Job",
    "LoginThrottle",
    "Member",
    "PageSession",
    "User",
]
