"""The ledger's drill-down filters: every funnel figure links to /projects filtered to exactly the
projects behind it, selected by the same queries that counted them (crm/funnel/counting.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from crm.core.dates import local_today
from crm.funnel.counting import current_ids, entered_ids
from crm.funnel.filters import subtree_ids
from crm.projects.models import Project

EARLIEST = date(1900, 1, 1)


def funnel_filters(stmt, f):
    everything = select(Project.id)
    if f.entered_stage:
        stmt = stmt.where(Project.id.in_(entered_ids(everything, f.entered_stage, f.entered_from or EARLIEST,
                                                     f.entered_to or local_today(), f.converted_by)))
    if f.current_stage_at:
        stmt = stmt.where(Project.id.in_(current_ids(everything, f.current_stage_at, f.current_on or local_today())))
    if f.unit_tree_id is not None:
        stmt = stmt.where(Project.unit_id.in_(subtree_ids(f.unit_tree_id)))
    if f.investment_below is not None:
        stmt = stmt.where(Project.total_investment_wan < f.investment_below)
    return stmt
