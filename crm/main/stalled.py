"""Stalled projects (DOMAIN.md §7): what a unit head or leader should chase this week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.core.dates import local_today, start_of_local_day
from crm.core.paging import Page, fetch_page, fetch_page_with_total
from crm.domain import Stage, Status, TransitionKind
from crm.extensions import db
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
    """Each list's first `rows` and its total, whatever the number of projects.
    `within` (a select() of project ids, e.g. a funnel report's filters) narrows every list."""
    today = today or local_today()
    return StalledLists({kind: stalled_page(actor, kind, 1, rows, today, within) for kind in KINDS})


def stalled_page(actor, kind: str, page: int, per_page: int, today: date | None = None, within=None) -> Page:
    """One page of a stalled list, most overdue first: (project, the date that matters) rows, or
    (project, permit) for overdue permits. The list is counted and its page chosen from indexes alone
    (ids and dates: no table reads for the thousands of rows a province has), then only the page's
    projects are loaded (issue 9: 150 ms of the leader's home page at 100,000 projects before)."""
    keys = _keys(actor, kind, today or local_today(), within)
    # Overdue permits walk their index in order and stop at the page: counting apart is cheaper there.
    # The others sort every matching row for the page anyway, so the same statement counts them.
    result = (fetch_page(keys, page, per_page, rows_of_columns=True) if kind == "overdue_permits"
              else fetch_page_with_total(keys, page, per_page))
    result.items = _load(kind, result.items)
    return result


def _keys(actor, kind: str, today: date, within):
    """A select() of (project id, the date that matters — or the permit id) rows of one list, ordered."""
    config = current_app.config
    active = visible_projects(actor).where(Project.status == Status.ACTIVE)
    if within is not None:
        active = active.where(Project.id.in_(within))
    if kind == "signed_not_started":
        return (active.with_only_columns(Project.id, Contract.agreed_start_date)
                .join(Contract, (Contract.project_id == Project.id) & Contract.voided_by_id.is_(None))
                .where(Project.stage == Stage.SIGNED, Contract.agreed_start_date < today)
                .order_by(Contract.agreed_start_date, Project.id))
    if kind == "approved_not_signed":
        # Per approved project, its latest approval: one step into ix_project_transitions_approvals.
        # MATERIALIZED: looked up once per project (inlined, PostgreSQL looks it up for the filter and
        # again for the order: 14 ms instead of 7 at 100,000 projects).
        approved_on = (select(func.max(Transition.effective_date))
                       .where(Transition.project_id == Project.id, Transition.to_stage == Stage.APPROVED,
                              Transition.kind == TransitionKind.ADVANCE).scalar_subquery())
        approvals = (active.with_only_columns(Project.id.label("id"), approved_on.label("approved_on"))
                     .where(Project.stage == Stage.APPROVED).cte("approvals").prefix_with("MATERIALIZED"))
        cutoff = today - timedelta(days=config.get("STALLED_APPROVED_DAYS", 90))
        return (select(approvals.c.id, approvals.c.approved_on).where(approvals.c.approved_on < cutoff)
                .order_by(approvals.c.approved_on, approvals.c.id))
    if kind == "talks_without_follow_up":
        # Recorded before the cutoff and no live follow-up since: the latest live follow-up's date is kept
        # on the project (crm/followups/services.py), so this is a range of ix_projects_stage_follow_up.
        cutoff = today - timedelta(days=config.get("STALLED_TALKS_DAYS", 60))
        last = Project.last_follow_up_on
        return (active.with_only_columns(Project.id, last)
                .where(Project.stage == Stage.TALKS, Project.created_at < start_of_local_day(cutoff),
                       or_(last.is_(None), last < cutoff))
                .order_by(last.is_not(None), last, Project.created_at, Project.id))
    if kind == "overdue_permits":
        return (active.with_only_columns(Project.id, Permit.id).join(Permit, Permit.project_id == Project.id)
                .where(Permit.required.is_(True), Permit.done_date.is_(None), Permit.due_date < today)
                .order_by(Permit.due_date, Permit.id))
    raise KeyError(kind)


def _load(kind: str, keys: list) -> list[tuple]:
    """The page's (project, date or permit) rows from its keys: one query for the projects (and their
    units), one for the permits."""
    projects = {p.id: p for p in db.session.scalars(
        select(Project).where(Project.id.in_([k[0] for k in keys])).options(selectinload(Project.unit)))}
    if kind != "overdue_permits":
        return [(projects[project_id], on) for project_id, on in keys]
    permits = {p.id: p for p in db.session.scalars(select(Permit).where(Permit.id.in_([k[1] for k in keys])))}
    return [(projects[project_id], permits[permit_id]) for project_id, permit_id in keys]
