"""What the project page shows of the project itself (figures, duplicates, history); the sections
of other features (pipeline, screening, follow-ups, documents) come through the feature registry."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.audit.models import AuditEntry
from crm.audit.present import HISTORY_PER_PAGE, history_page, records_condition
from crm.core.permissions import Action, can
from crm.domain import EnergyTier
from crm.extensions import db
from crm.projects.models import Project
from crm.projects.services import possible_duplicates

NOT_PROJECT_RECORDS = {"investor_links"}  # a ruling on two projects belongs to neither's history


@cache
def _owned_tables() -> tuple:
    """(table, None) for each table with a project_id, (child, foreign key to such a table) for each
    table hanging off one: worked out once per process from the metadata."""
    owned = {t.name: t for t in db.metadata.sorted_tables if "project_id" in t.c and t.name not in NOT_PROJECT_RECORDS}
    found = [(table, None) for table in owned.values()]
    for child in db.metadata.sorted_tables:
        if child.name in owned or "id" not in child.c:
            continue
        found += [(child, fk) for fk in child.foreign_keys
                  if fk.column.table.name in owned and fk.parent.table is child]
    return tuple(found)


def _owned(project_id: int) -> list:
    """(table name, select() of ids) of every record that belongs to the project — rows of tables with a
    project_id, and rows of tables hanging off those (e.g. a contract's commitments)."""
    parts = []
    for table, fk in _owned_tables():
        if fk is None:
            parts.append((table.name, select(table.c.id).where(table.c.project_id == project_id)))
        else:
            parent = fk.column.table
            parts.append((table.name, select(table.c.id).join(parent, fk.parent == fk.column)
                          .where(parent.c.project_id == project_id)))
    return parts


def history_condition(project: Project):
    """Where-clause of the entries of the project and of the records that belong to it (matched as
    (record type, id) pairs on the index: crm.audit.present.records_condition)."""
    return records_condition(project, *_owned(project.id))


def history_query(project: Project):
    """Every audit entry of the project and of the records that belong to it, newest first."""
    return (select(AuditEntry).options(selectinload(AuditEntry.actor)).where(history_condition(project))
            .order_by(AuditEntry.id.desc()))


def project_history(project: Project, page: int = 1, per_page: int = HISTORY_PER_PAGE):
    """A page of the project's history in words: newest user actions first (crm.audit.present)."""
    return history_page(history_condition(project), page, per_page)


# The project page shows the latest actions and links to the whole history (50 a page): a leader
# opening a project reads where it stands, and the trail is one click away (and the page stays light).
PAGE_HISTORY = 10

# What the page shows of the project itself, loaded with it (one statement each, not one per field).
PAGE_OPTIONS = (joinedload(Project.unit), joinedload(Project.owner), joinedload(Project.lead_leader),
                joinedload(Project.chain), joinedload(Project.industry), joinedload(Project.contacts))


def page_data(actor, project: Project) -> dict:
    return {
        "project": project,
        "energy_tier": EnergyTier.of(project.annual_energy_tce, project.annual_electricity_wan_kwh),
        "duplicates": possible_duplicates(project, actor),
        "history": project_history(project, per_page=PAGE_HISTORY),
        "can_write": can(actor, Action.WRITE, project.unit_id) and project.archived_at is None,
        "can_rule": can(actor, Action.RULE_INVESTOR),
    }
