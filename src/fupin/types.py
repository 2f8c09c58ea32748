"""Types shared by the schemas of several domains."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _as_utc(value: datetime) -> datetime:
    """Times are stored as naive UTC; the API says so, because OpenAPI's date-time (RFC 3339) needs an offset."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
