"""Roles, with the Chinese labels officials know them by and what each may do."""

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    county = "county"
    township = "township"
    village = "village"
    inspector = "inspector"
    steward = "steward"
    viewer = "viewer"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def can_capture(self) -> bool:
        """Whether the role may enter or change data inside its scope (inspectors, stewards, viewers only look)."""
        return self not in {Role.inspector, Role.steward, Role.viewer}

    @property
    def may_reveal(self) -> bool:
        """Whether the role may see whole ID numbers, phones and bank accounts (each time with a logged reason).

        The one place this is decided: officers who work the cases (county, township, village within their own
        village by scope) and administrators; inspectors, data stewards and viewers see masked values only.
        """
        return self in REVEALING_ROLES

    @property
    def manages_users(self) -> bool:
        return self is Role.admin

    @classmethod
    def parse(cls, text: str) -> "Role | None":
        """A role from its code (`county`) or its Chinese label (县级业务人员)."""
        cleaned = text.strip()
        for role in cls:
            if cleaned in (role.value, role.label):
                return role
        return None


REVEALING_ROLES = frozenset({Role.admin, Role.county, Role.township, Role.village})

LABELS = {
    Role.admin: "系统管理员",
    Role.county: "县级业务人员",
    Role.township: "乡镇业务人员",
    Role.village: "村干部/驻村工作队",
    Role.inspector: "督战人员",
    Role.steward: "部门数据管理员",
    Role.viewer: "只读用户",
}


def choices() -> str:
    """Every role as `code（标签）`, for messages that say what is expected."""
    return "、".join(f"{role.value}（{role.label}）" for role in Role)
