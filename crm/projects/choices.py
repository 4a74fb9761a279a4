"""Select-box choices for project forms, limited to what the user may pick."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.core.permissions import ALL_UNITS, Action, Duty, can, roles_for, visible_unit_ids
from crm.extensions import db
from crm.reference.services import division_choices, live_chains
from crm.units.services import live_units


def unit_choices_for(actor) -> list[tuple[int, str]]:
    """Units `actor` may record projects for."""
    return [(u.id, u.name) for u in live_units() if can(actor, Action.WRITE, u.id)]


def owner_choices_for(actor) -> list[tuple[int, str]]:
    """Who may be 责任人 in the units `actor` records for (the rule is services.eligible_owner)."""
    units = [uid for uid, _name in unit_choices_for(actor)]
    stmt = (select(User).options(selectinload(User.unit))
            .where(User.active.is_(True), User.archived_at.is_(None), User.role.in_(roles_for(Duty.OWNER)),
                   User.unit_id.in_(units)).order_by(User.unit_id, User.id))
    return [(u.id, f"{u.name}（{u.unit.name}）") for u in db.session.scalars(stmt)]


def leader_choices() -> list[tuple[int | None, str]]:
    stmt = select(User).where(User.role.in_(roles_for(Duty.LEAD_LEADER)), User.active.is_(True), User.archived_at.is_(None))
    return [(None, _("（未指定）"))] + [(u.id, u.name) for u in db.session.scalars(stmt.order_by(User.id))]


def chain_choices() -> list[tuple[int | None, str]]:
    return [(None, _("（按行业自动匹配）"))] + [(c.id, c.name) for c in live_chains()]


def industry_choices() -> list[tuple[str, str]]:
    return [("", _("（请选择）"))] + division_choices()



def filter_unit_choices(actor) -> list[tuple[int, str]]:
    """Units offered in the ledger's filter: the ones whose projects `actor` can see."""
    units = visible_unit_ids(actor)
    return [(u.id, u.name) for u in live_units() if units is ALL_UNITS or u.id in units]
