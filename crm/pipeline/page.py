"""The pipeline's sections of the project page: the stage timeline, what the next gate needs, the
gate records, the permits and the move buttons (registered in crm/pipeline/feature.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.core.dates import local_date, local_today
from crm.core.permissions import Action, can
from crm.domain import ListKind, Move, Stage, Status
from crm.extensions import db
from crm.pipeline.forms import PermitForm
from crm.pipeline.gates import checklist
from crm.pipeline.models import Contract, LandSupply, MeetingApproval
from crm.pipeline.permits import is_overdue, permits_of
from crm.pipeline.services import transitions_of
from crm.projects.models import Project
from crm.reference.services import list_items


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


def _live(model, project: Project, *options):
    """The current (not voided) gate record of a kind, if any."""
    return db.session.scalar(select(model).options(*options)
                             .where(model.project_id == project.id, model.voided_by_id.is_(None)).limit(1))


def move_buttons(actor, project: Project) -> dict:
    return {"moves": available_moves(actor, project)}


def project_section(actor, project: Project) -> dict:
    transitions, permits = transitions_of(project), permits_of(project)
    return {
        "transitions": transitions,
        "timeline": stage_timeline(project, transitions),
        "meeting": _live(MeetingApproval, project),
        "contract": _live(Contract, project, selectinload(Contract.commitments),
                          selectinload(Contract.incentive_terms)),
        "land": _live(LandSupply, project),
        "permits": permits,
        "is_overdue": is_overdue,
        "checklist": checklist(project, permits),
        "permit_form": PermitForm(),
        # A drop's reason is stored as its list code; the timeline shows its label (archived ones too).
        "drop_reasons": {item.code: item.label for item in list_items(ListKind.DROP_REASON, include_archived=True)},
    }
