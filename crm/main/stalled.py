"""Stalled projects (DOMAIN.md §7): what a unit head or leader should chase this week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.core.dates import local_today, start_of_local_day
from crm.domain import Stage, Status, TransitionKind
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.pipeline.models import Contract, Permit, Transition
from crm.projects.models import Project
from crm.projects.services import visible_projects


@dataclass
class StalledLists:
    signed_not_started: list
    approved_not_signed: list
    talks_without_follow_up: list
    overdue_permits: list

    @property
    def truncated(self) -> bool:
        """A list is cut at LIMIT rows; the page then says "50+" instead of undercounting."""
        return any(len(v) >= LIMIT for v in (self.signed_not_started, self.approved_not_signed,
                                             self.talks_without_follow_up, self.overdue_permits))

    @property
    def total(self) -> int:
        return sum(len(v) for v in (self.signed_not_started, self.approved_not_signed,
                                    self.talks_without_follow_up, self.overdue_permits))


LIMIT = 50


def stalled_for(actor, today: date | None = None) -> StalledLists:
    """Four bounded queries, whatever the number of projects."""
    today = today or local_today()
    config = current_app.config
    active = visible_projects(actor).where(Project.status == Status.ACTIVE).options(selectinload(Project.unit))

    signed = db.session.execute(
        active.add_columns(Contract.agreed_start_date)
        .join(Contract, (Contract.project_id == Project.id) & Contract.voided_by_id.is_(None))
        .where(Project.stage == Stage.SIGNED, Contract.agreed_start_date < today)
        .order_by(Contract.agreed_start_date).limit(LIMIT)).all()

    approved_on = (select(Transition.project_id, func.max(Transition.effective_date).label("on"))
                   .where(Transition.to_stage == Stage.APPROVED, Transition.kind == TransitionKind.ADVANCE)
                   .group_by(Transition.project_id).subquery())
    approved_cutoff = today - timedelta(days=config.get("STALLED_APPROVED_DAYS", 90))
    approved = db.session.execute(
        active.add_columns(approved_on.c.on).join(approved_on, approved_on.c.project_id == Project.id)
        .where(Project.stage == Stage.APPROVED, approved_on.c.on < approved_cutoff)
        .order_by(approved_on.c.on).limit(LIMIT)).all()

    # Stalled in talks: recorded before the cutoff and no follow-up since. (An equivalent outer
    # join on a grouped subquery took ~0.9 s on PostgreSQL at 3,000 projects; this is index-backed.)
    talks_cutoff = today - timedelta(days=config.get("STALLED_TALKS_DAYS", 60))
    live_follow_ups = select(FollowUp.id).where(FollowUp.project_id == Project.id, FollowUp.archived_at.is_(None))
    last_follow_up = (select(func.max(FollowUp.followed_on))
                      .where(FollowUp.project_id == Project.id, FollowUp.archived_at.is_(None)).scalar_subquery())
    talks = db.session.execute(
        active.add_columns(last_follow_up)
        .where(Project.stage == Stage.TALKS, Project.created_at < start_of_local_day(talks_cutoff),
               ~live_follow_ups.where(FollowUp.followed_on >= talks_cutoff).exists())
        .order_by(last_follow_up.is_not(None), last_follow_up, Project.created_at).limit(LIMIT)).all()

    permits = db.session.execute(
        active.add_columns(Permit).join(Permit, Permit.project_id == Project.id)
        .where(Permit.required.is_(True), Permit.done_date.is_(None), Permit.due_date < today)
        .order_by(Permit.due_date).limit(LIMIT)).all()

    return StalledLists(signed, approved, talks, permits)
