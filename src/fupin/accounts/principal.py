"""Who is asking: resolved once per request (page session or API token) and passed down, never re-queried."""

from dataclasses import dataclass

from fupin.accounts.enums import Role
from fupin.accounts.models import PageSession, User
from fupin.divisions.scope import Scope


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
