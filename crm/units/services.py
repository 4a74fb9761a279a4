"""Reading units: lists and form choices."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.units.models import Unit


def live_units() -> list[Unit]:
    stmt = select(Unit).where(Unit.archived_at.is_(None)).order_by(Unit.parent_id.is_not(None), Unit.kind, Unit.id)
    return list(db.session.scalars(stmt))


def all_units() -> list[Unit]:
    stmt = select(Unit).options(selectinload(Unit.parent)).order_by(Unit.archived_at.is_not(None), Unit.id)
    return list(db.session.scalars(stmt))


def unit_choices(blank_label: str | None = None) -> list[tuple[int | None, str]]:
    choices = [(u.id, u.name) for u in live_units()]
    return ([(None, blank_label)] if blank_label is not None else []) + choices
