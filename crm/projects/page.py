"""What the project page shows, assembled in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm.audit.models import AuditEntry
from crm.core.dates import local_date, local_today
from crm.core.permissions import Action, can
from crm.domain import Move, Stage, Status
from crm.extensions import db
from crm.pipeline.gates import checklist
from crm.pipeline.models import Contract, LandSupply, MeetingApproval
from crm.pipeline.permits import energy_review_tier, is_overdue, permits_of
from crm.pipeline.services import transitions_of
from crm.projects.models import Project
from crm.projects.services import possible_duplicates
from crm.screening.current import current_screening
from crm.screening.models import Screening


@dataclass
class StageSpan:
    stage: Stage
    entered: date
    left: date | None
    days: int


def stage_timeline(project: Project, transitions, today: date | None = None) -> list[StageSpan]:
    """Each stage the project has been in, with its dates and the days spent there. Talks start
    when the lead was recorded (or at the first transition, if that was earlier)."""
    today = today or local_today()
    entered = local_date(project.created_at)
    if transitions:
        entered = min(entered, transitions[0].effective_date)
    spans = [StageSpan(Stage.TALKS, entered, None, 0)]
    for t in transitions:
        if t.to_stage == t.from_stage:
            continue  # a status change (hold, resume, drop) stays in the stage
        spans[-1].left = t.effective_date
        spans.append(StageSpan(t.to_stage, t.effective_date, None, 0))
    for span in spans:
        span.days = max(0, ((span.left or today) - span.entered).days)
    return spans


def available_moves(actor, project: Project) -> list[Move]:
    if project.archived_at is not None or not can(actor, Action.WRITE, project.unit_id):
        return []
    moves = []
    if project.status == Status.ACTIVE:
        nxt = Stage(project.stage).next()
        moves += [Move(nxt)] if nxt else []
        moves.append(Move.ON_HOLD)
    if project.status == Status.ON_HOLD:
        moves.append(Move.RESUME)
    if project.status != Status.DROPPED:
        moves.append(Move.DROPPED)
    if can(actor, Action.MANAGE) and (project.stage != Stage.TALKS or project.status == Status.DROPPED):
        moves.append(Move.CORRECTION)
    return moves


HISTORY_LIMIT = 300


def history_query(project: Project):
    """Every audit entry of the project and of the records that belong to it (contacts, gate
    records, permits, follow-ups, documents, screenings, transitions), newest first."""
    from crm.pipeline.models import Commitment

    conditions = [(AuditEntry.record_type == "projects") & (AuditEntry.record_id == project.id)]
    for table in db.metadata.sorted_tables:
        if "project_id" in table.c and table.name != "investor_links":
            ids = select(table.c.id).where(table.c.project_id == project.id)
            conditions.append((AuditEntry.record_type == table.name) & AuditEntry.record_id.in_(ids))
    commitments = select(Commitment.id).join(Contract, Contract.id == Commitment.contract_id).where(
        Contract.project_id == project.id)
    conditions.append((AuditEntry.record_type == "contract_commitments") & AuditEntry.record_id.in_(commitments))
    return (select(AuditEntry).options(selectinload(AuditEntry.actor)).where(or_(*conditions))
            .order_by(AuditEntry.id.desc()))


def project_history(project: Project) -> list[AuditEntry]:
    return list(db.session.scalars(history_query(project).limit(HISTORY_LIMIT)))


def _live(model, project: Project, *options):
    """The current (not voided) gate record of a kind, if any."""
    return db.session.scalar(select(model).options(*options)
                             .where(model.project_id == project.id, model.voided_by_id.is_(None)).limit(1))


def page_data(actor, project: Project) -> dict:
    transitions = transitions_of(project)
    return {
        "project": project,
        "transitions": transitions,
        "timeline": stage_timeline(project, transitions),
        "meeting": _live(MeetingApproval, project),
        "contract": _live(Contract, project, selectinload(Contract.commitments),
                          selectinload(Contract.incentive_terms)),
        "land": _live(LandSupply, project),
        "permits": permits_of(project),
        "is_overdue": is_overdue,
        "energy_tier": energy_review_tier(project.annual_energy_tce, project.annual_electricity_wan_kwh),
        "checklist": checklist(project),
        "moves": available_moves(actor, project),
        "duplicates": possible_duplicates(project, actor),
        "current_screening": current_screening(project),
        "screenings": list(db.session.scalars(
            select(Screening).options(selectinload(Screening.signed_by))
            .where(Screening.project_id == project.id).order_by(Screening.id.desc()))),
        "history": project_history(project),
        "can_write": can(actor, Action.WRITE, project.unit_id) and project.archived_at is None,
        "can_rule": can(actor, Action.RULE_INVESTOR),
    }
