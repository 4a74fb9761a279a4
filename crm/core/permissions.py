"""The one permission helper (DOMAIN.md §1). Every web view and API endpoint asks here.

Rules:
- `admin`: everything.
- `leader`: reads and writes everything, approves everything.
- `viewer`: reads everything, changes nothing.
- `unit_head`: reads, writes and approves the records of their own unit.
- `staff`: reads and writes the records of their own unit; approves nothing.
- Managing users, units and reference data (`manage`) is for admins.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import false

from crm.auth.models import Role
from crm.core.errors import PermissionDenied

ALL_UNITS = None


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    APPROVE = "approve"
    MANAGE = "manage"


_GLOBAL_RIGHTS = {
    Role.ADMIN: {Action.READ, Action.WRITE, Action.APPROVE, Action.MANAGE},
    Role.LEADER: {Action.READ, Action.WRITE, Action.APPROVE},
    Role.VIEWER: {Action.READ},
}
_UNIT_RIGHTS = {
    Role.UNIT_HEAD: {Action.READ, Action.WRITE, Action.APPROVE},
    Role.STAFF: {Action.READ, Action.WRITE},
}


def visible_unit_ids(user) -> set[int] | None:
    """The units whose records `user` may read; ALL_UNITS (None) means every unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if Role(user.role) in _GLOBAL_RIGHTS:
        return ALL_UNITS
    return {user.unit_id}


def can(user, action: Action, unit_id: int | None = None) -> bool:
    """May `user` do `action` on a record of `unit_id` (None: a record with no unit)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    role = Role(user.role)
    if role in _GLOBAL_RIGHTS:
        return action in _GLOBAL_RIGHTS[role]
    return action in _UNIT_RIGHTS[role] and unit_id is not None and unit_id == user.unit_id


def require(user, action: Action, unit_id: int | None = None) -> None:
    if not can(user, action, unit_id):
        raise PermissionDenied(_("您没有权限执行此操作。"))


def scope(stmt, user, unit_column):
    """Restrict a select() to the rows `user` may read, by the record's unit column."""
    units = visible_unit_ids(user)
    if units is ALL_UNITS:
        return stmt
    if not units:
        return stmt.where(false())
    return stmt.where(unit_column.in_(units))
