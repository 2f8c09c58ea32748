"""Who is asking: resolved once per request (page session or API token) and passed down, never re-queried."""

from dataclasses import dataclass

from fupin.accounts.enums import Role
from fupin.accounts.models import PageSession, User
from fupin.divisions.scope import Scope
from fupin.errors import ForbiddenError, Problem


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    username: str
    full_name: str
    role: Role
    scope_prefix: str
    session_id: int | None = None
    csrf_token: str | None = None

    @property
    def scope(self) -> Scope:
        """View the scope prefix; capture it too unless the role only looks."""
        return Scope.of(self.scope_prefix, can_capture=self.role.can_capture)

    def require_reveal(self) -> None:
        """Whole ID numbers, phones and accounts only for roles that need them (`Role.may_reveal`); else 403."""
        if not self.role.may_reveal:
            message = f"您的角色（{self.role.label}）不能查看完整的证件号码、电话和银行账号"
            raise ForbiddenError(Problem("reveal-forbidden", message))

    @classmethod
    def of(cls, user: User, page_session: PageSession | None = None) -> "Principal":
        return cls(
            user_id=user.id,
            username=user.username,
            full_name=user.full_name,
            role=Role(user.role),
            scope_prefix=user.scope_prefix,
            session_id=page_session.id if page_session else None,
            csrf_token=page_session.csrf_token if page_session else None,
        )
