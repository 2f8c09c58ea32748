"""User-facing errors are data: a stable slug, a Chinese message, and where it happened."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    sheet: str | None = None
    row: int | None = None
    field: str | None = None

    def describe(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.field:
            parts.append(f"「{self.field}」")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    slug: str
    message: str
    location: Location = field(default_factory=Location)
    value: str | None = None
    expected: str | None = None

    def text(self) -> str:
        """The sentence the error workbook and the CLI show: where, what, what is expected."""
        where = self.location.describe()
        got = f"（填写值：{self.value}）" if self.value not in (None, "") else ""
        wanted = f"；应为：{self.expected}" if self.expected else ""
        return f"{where}：{self.message}{got}{wanted}".lstrip("：")

    def payload(self, field_prefix: str = "") -> dict[str, str | None]:
        """The JSON shape every API error body uses: slug, field, and the Chinese message with what is expected."""
        field_name = self.location.field
        wanted = f"；应为：{self.expected}" if self.expected else ""
        return {
            "slug": self.slug,
            "field": f"{field_prefix}{field_name}" if field_name else None,
            "message": f"{self.message}{wanted}",
        }


class FupinError(Exception):
    """An error a user can act on; carries its problems as data."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("；".join(problem.text() for problem in problems))
        self.problems = list(problems)


class UnauthenticatedError(FupinError):
    """The request carries no valid credentials (HTTP 401, or the sign-in page)."""


class ForbiddenError(FupinError):
    """The user is known but their role or scope does not allow this (HTTP 403)."""


class NotFoundError(FupinError):
    """The thing does not exist or lies outside the user's scope (HTTP 404): the two are not told apart."""


class ThrottledError(FupinError):
    """Too many failed attempts; try again after `retry_after_seconds` (HTTP 429)."""

    def __init__(self, *problems: Problem, retry_after_seconds: int) -> None:
        super().__init__(*problems)
        self.retry_after_seconds = retry_after_seconds


@dataclass(slots=True)
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts_by_slug(self) -> Counter[str]:
        return Counter(problem.slug for problem in self.problems)
