"""Drop-down choices of the payout pages (terms of a project, units, credited people)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth.models import User
from crm.auth.people import filter_people
from crm.core.permissions import Duty, roles_for, visible_unit_ids
from crm.extensions import db
from crm.pipeline.models import Contract, IncentiveTerm
from crm.projects.models import Project
from crm.units.models import Unit


def term_choices(project: Project) -> list[tuple[int, str]]:
    terms = db.session.scalars(select(IncentiveTerm).join(Contract, Contract.id == IncentiveTerm.contract_id)
                               .where(IncentiveTerm.project_id == project.id, Contract.voided_by_id.is_(None))
                               .order_by(IncentiveTerm.id))
    return [(t.id, _("%(kind)s（上限 %(cap)s 万元）", kind=t.kind, cap=t.cap_wan)) for t in terms]


def _units(user=None):
    """The units `user` may read (every unit without a user: anyone may be credited)."""
    stmt = select(Unit).where(Unit.archived_at.is_(None)).order_by(Unit.id)
    units = visible_unit_ids(user) if user is not None else None
    if units is not None:
        stmt = stmt.where(Unit.id.in_(units))
    return db.session.scalars(stmt)


def unit_choices(user) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in _units(user)]


def recipient_choices(user, include_units: bool = False) -> list[tuple[str | int, str]]:
    """Officers who may be credited (staff and unit heads); with units as "d<id>" and people as "u<id>"."""
    stmt = (select(User).where(User.active.is_(True), User.archived_at.is_(None),
                               User.role.in_(roles_for(Duty.OWNER))).order_by(User.unit_id, User.name))
    people = list(db.session.scalars(stmt))
    if not include_units:
        return [(u.id, u.name) for u in people]
    return ([(f"u{u.id}", _("%(name)s（人员）", name=u.name)) for u in people]
            + [(f"d{u.id}", _("%(name)s（单位）", name=u.name)) for u in _units()])


def recipient_filter_choices(user, unit_id: int | None, selected: int | None) -> tuple[list, bool]:
    """People the ledger can be filtered by (crm.auth.people): the chosen unit's officers, and whether a
    unit must be chosen first."""
    people, choose_unit = filter_people(user, roles_for(Duty.OWNER), unit_id, selected)
    return [(u.id, u.name) for u in people], choose_unit
