"""The one permission helper (DOMAIN.md §1). Every web view and API endpoint asks here.

Rules:
- `admin`: everything.
- `leader`: reads and writes everything, approves everything.
- `viewer`: reads everything, changes nothing.
- `unit_head`: reads, writes and approves the records of their own unit.
- `staff`: reads and writes the records of their own unit; approves nothing.
- Managing users, units and reference data (`manage`) is for admins.
- Approving a payout (奖励兑现审批) is for leaders, recording its payment or reversal for leaders and
  admins (DOMAIN §6); a payout request is a write on the project's unit.
- Signing off a screening (预审签批) is for leaders (DOMAIN §4.2); ruling whether two projects are the
  same investor is for leaders and admins; the stalled lists are reviewed by unit heads, leaders,
  viewers and admins (DOMAIN §7).
- Trips (DOMAIN §5): staff, unit heads and leaders travel; a trip takes people of one unit unless a
  leader files it or travels on it; the unit head approves the trips of the unit's staff, a leader
  approves any trip (those of unit heads and leaders need one); nobody approves a trip they travel on.
- Duties (who may be a project's 责任人, its 包保领导, a next action's owner) are decided here too, so no
  role is compared anywhere else (a test greps for it).
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import false

from crm.core.errors import PermissionDenied
from crm.domain import Role

ALL_UNITS = None


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    APPROVE = "approve"
    MANAGE = "manage"
    SIGN_SCREENING = "sign_screening"
    RULE_INVESTOR = "rule_investor"
    REVIEW = "review"
    APPROVE_PAYOUT = "approve_payout"  # 奖励兑现审批: leaders (DOMAIN §1, §6)
    PAY_PAYOUT = "pay_payout"  # recording a payment or its reversal: leaders and admins


_GLOBAL_RIGHTS = {
    Role.ADMIN: {Action.READ, Action.WRITE, Action.APPROVE, Action.MANAGE, Action.RULE_INVESTOR, Action.REVIEW,
                 Action.PAY_PAYOUT},
    Role.LEADER: {Action.READ, Action.WRITE, Action.APPROVE, Action.SIGN_SCREENING, Action.RULE_INVESTOR,
                  Action.REVIEW, Action.APPROVE_PAYOUT, Action.PAY_PAYOUT},
    Role.VIEWER: {Action.READ, Action.REVIEW},
}
_UNIT_RIGHTS = {
    Role.UNIT_HEAD: {Action.READ, Action.WRITE, Action.APPROVE, Action.REVIEW},
    Role.STAFF: {Action.READ, Action.WRITE},
}


class Duty(StrEnum):
    OWNER = "owner"  # 责任人: an officer or head of the responsible unit
    LEAD_LEADER = "lead_leader"  # 包保领导
    ACTION_OWNER_ANY_UNIT = "action_owner_any_unit"  # owns a next action in any unit's project
    TRAVELLER = "traveller"  # goes on outbound investment trips (外出招商)
    CROSS_UNIT_TRIP = "cross_unit_trip"  # takes people of several units on one trip
    UNIT_APPROVED_TRAVELLER = "unit_approved_traveller"  # whose trips their unit head may approve
    TRIP_APPROVER_ANY = "trip_approver_any"  # approves any unit's trips, those of unit heads and leaders too


_DUTY_ROLES = {
    Duty.OWNER: (Role.STAFF, Role.UNIT_HEAD),
    Duty.LEAD_LEADER: (Role.LEADER,),
    Duty.ACTION_OWNER_ANY_UNIT: (Role.LEADER, Role.ADMIN),
    Duty.TRAVELLER: (Role.STAFF, Role.UNIT_HEAD, Role.LEADER),
    Duty.CROSS_UNIT_TRIP: (Role.LEADER,),
    Duty.UNIT_APPROVED_TRAVELLER: (Role.STAFF,),
    Duty.TRIP_APPROVER_ANY: (Role.LEADER,),
}


def roles_for(duty: Duty) -> tuple[str, ...]:
    """The role codes that may hold `duty`, for queries (e.g. the owner drop-down)."""
    return tuple(role.value for role in _DUTY_ROLES[duty])


def may_hold(user, duty: Duty) -> bool:
    return user is not None and user.is_active and user.role in roles_for(duty)


def may_approve_trip(user, unit_id: int | None, travellers) -> bool:
    """May `user` approve a trip of `unit_id` taking `travellers` (users)? A leader approves any trip;
    the unit's head approves trips on which only the unit's staff travel; never one's own trip."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if any(t.id == user.id for t in travellers):
        return False
    if user.role in roles_for(Duty.TRIP_APPROVER_ANY):
        return True
    return (Role(user.role) in _UNIT_RIGHTS and can(user, Action.APPROVE, unit_id)
            and all(t.role in roles_for(Duty.UNIT_APPROVED_TRAVELLER) for t in travellers))


def role_needs_unit(role) -> bool:
    """Staff and unit heads work for a unit; the unit rules above rely on it."""
    return role in {r.value for r in _UNIT_RIGHTS}


def role_may(role, action: Action) -> bool:
    """Whether a role (not a user) has a right everywhere, e.g. whether an account stays an administrator."""
    return action in _GLOBAL_RIGHTS.get(Role(role), set())


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
