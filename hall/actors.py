"""Who acts in the hall: staff roles, and the actor (a user or a device) behind each change."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def zh(self) -> str:
        return {"staff": "窗口人员", "manager": "大厅管理员", "admin": "系统管理员"}[self.value]

    def at_least(self, other: Role) -> bool:
        order = [Role.STAFF, Role.MANAGER, Role.ADMIN]
        return order.index(self) >= order.index(other)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something: a logged-in user, or a device such as a kiosk (role None)."""

    username: str
    name: str
    role: Role | None

    def can(self, role: Role) -> bool:
        return self.role is not None and self.role.at_least(role)
