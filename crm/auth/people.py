"""People offered in a list's person filter (a trip's traveller, a payout's recipient).

A province-wide leader can read 200 units and 2,000 officers: every name in one <select> made the
trip list 108 KB, 86 of them names. Past FILTER_UNITS readable units the filter waits for a unit to
be chosen; people of every unit (e.g. leaders) and whoever is already selected are always offered.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.core.permissions import Action, can
from crm.extensions import db
from crm.units.services import live_units

FILTER_UNITS = 20


def filter_people(actor, roles, unit_id: int | None, selected: int | None,
                  any_unit_roles=()) -> tuple[list[User], bool]:
    """Active people with one of `roles` in the chosen unit (or the actor's few readable units), plus
    those with `any_unit_roles` and the selected one; and whether a unit must be chosen first."""
    readable = [u.id for u in live_units() if can(actor, Action.READ, u.id)]
    units = [unit_id] if unit_id in readable else readable
    narrowed = len(units) <= FILTER_UNITS
    who = [User.role.in_(any_unit_roles)] if any_unit_roles else []
    if narrowed:
        who.append(User.unit_id.in_(units))
    if selected:
        who.append(User.id == selected)
    if not who:
        return [], not narrowed
    stmt = (select(User).options(selectinload(User.unit))
            .where(User.active.is_(True), User.archived_at.is_(None), User.role.in_(roles), or_(*who))
            .order_by(User.unit_id, User.id))
    return list(db.session.scalars(stmt)), not narrowed
