"""Stalled projects (DOMAIN.md §7): what a unit head or leader should chase this week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.core.dates import local_today, start_of_local_day
from crm.core.paging import fetch_page
from crm.domain import Stage, Status, TransitionKind
from crm.pipeline.models import Contract, Permit, Transition
from crm.projects.models import Project
from crm.projects.services import visible_projects

KINDS = ("signed_not_started", "approved_not_signed", "talks_without_follow_up", "overdue_permits")


@dataclass
class StalledLists:
    """Each kind's first rows and its total (a `Page`), for the home page."""
    pages: dict

    @property
    def total(self) -> int:
        return sum(page.total for page in self.pages.values())


def stalled_for(actor, today: date | None = None, rows: int = 10, within=None) -> StalledLists:
    """Each list's first `rows` and its total: two bounded queries per list, whatever the number of projects.
    `within` (a select() of project ids, e.g. a funnel report's filters) narrows every list."""
    today = today or local_today()
    return StalledLists({kind: fetch_page(stalled_query(actor, kind, today, within), 1, rows, rows_of_columns=True)
                         for kind in KINDS})


def stalled_query(actor, kind: str, today: date | None = None, within=None):
    """A select() of (project, the date that matters) rows of one stalled list, most overdue first."""
    today = today or local_today()
    config = current_app.config
    active = visible_projects(actor).where(Project.status == Status.ACTIVE).options(selectinload(Project.unit))
    if within is not None:
        active = active.where(Project.id.in_(within))
    if kind == "signed_not_started":
        return (active.add_columns(Contract.agreed_start_date)
                .join(Contract, (Contract.project_id == Project.id) & Contract.voided_by_id.is_(None))
                .where(Project.stage == Stage.SIGNED, Contract.agreed_start_date < today)
                .order_by(Contract.agreed_start_date, Project.id))
    if kind == "approved_not_signed":
        # Per approved project, its latest approval (ix_project_transitions_project): a few look-ups for
        # the projects now approved, instead of grouping every approval ever recorded (issue 9).
        approved_on = (select(func.max(Transition.effective_date))
                       .where(Transition.project_id == Project.id, Transition.to_stage == Stage.APPROVED,
                              Transition.kind == TransitionKind.ADVANCE).scalar_subquery())
        cutoff = today - timedelta(days=config.get("STALLED_APPROVED_DAYS", 90))
        return (active.add_columns(approved_on).where(Project.stage == Stage.APPROVED, approved_on < cutoff)
                .order_by(approved_on, Project.id))
    if kind == "talks_without_follow_up":
        # Recorded before the cutoff and no live follow-up since: the latest live follow-up's date is kept
        # on the project (crm/followups/services.py), so this is a range of ix_projects_stage_follow_up
        # instead of a look-up in follow_ups per project in talks (issue 9).
        cutoff = today - timedelta(days=config.get("STALLED_TALKS_DAYS", 60))
        last = Project.last_follow_up_on
        return (active.add_columns(last)
                .where(Project.stage == Stage.TALKS, Project.created_at < start_of_local_day(cutoff),
                       or_(last.is_(None), last < cutoff))
                .order_by(last.is_not(None), last, Project.created_at, Project.id))
    if kind == "overdue_permits":
        return (active.add_columns(Permit).join(Permit, Permit.project_id == Project.id)
                .where(Permit.required.is_(True), Permit.done_date.is_(None), Permit.due_date < today)
                .order_by(Permit.due_date, Permit.id))
    raise KeyError(kind)
