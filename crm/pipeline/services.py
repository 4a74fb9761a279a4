"""Stage and status transitions: one function per move, each refusing invalid moves with a reason.

Every transition records its business date (`effective_date`), which may not be in the future
nor before the previous transition's date. Transitions are append-only; the project's stage and
status are set by them and nowhere else.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, GateNotMet, ValidationFailed
from crm.core.i18n import N_
from crm.core.permissions import Action, require
from crm.core.services import check_version
from crm.domain import ListKind, Move, Stage, Status, TransitionKind
from crm.extensions import db
from crm.pipeline import gates
from crm.pipeline.models import Commitment, Contract, IncentiveTerm, LandSupply, MeetingApproval, Transition
from crm.pipeline.permits import create_permits
from crm.projects.access import require_active_record
from crm.projects.models import Project
from crm.reference.services import list_item_code


def transitions_of(project: Project) -> list[Transition]:
    stmt = (select(Transition).options(joinedload(Transition.actor))
            .where(Transition.project_id == project.id).order_by(Transition.id))
    return list(db.session.scalars(stmt))


def _last_date(project: Project) -> date | None:
    return db.session.scalar(select(Transition.effective_date).where(Transition.project_id == project.id)
                             .order_by(Transition.id.desc()).limit(1))


# Each move's business date named by what it is, on the form and in its error messages.
DATE_LABELS = {Move.APPROVED: N_("会议日期"), Move.SIGNED: N_("签约日期"), Move.STARTED: N_("开工日期"),
               Move.PRODUCING: N_("投产日期"), Move.ON_HOLD: N_("暂缓日期"), Move.RESUME: N_("恢复日期"),
               Move.DROPPED: N_("终止日期"), Move.CORRECTION: N_("更正日期")}


def _begin(actor, project: Project, data: dict, move: Move) -> date:
    """Checks every transition shares: permission, a live record, version, a sound business date."""
    require(actor, Action.WRITE, project.unit_id)
    require_active_record(project)
    if data.get("version") not in (None, ""):
        check_version(project, data["version"])
    previous = _last_date(project)
    return p.a_date(data.get("effective_date"), "effective_date", label=_(DATE_LABELS[move]), required=True,
                    not_after=local_today(), not_before=previous)


def _record(actor, project: Project, kind: TransitionKind, when: date, *, to_stage=None, to_status=None,
            reason=None, note=None) -> Transition:
    transition = Transition(
        project_id=project.id, kind=kind, from_stage=project.stage, to_stage=to_stage or project.stage,
        from_status=project.status, to_status=to_status or project.status, effective_date=when,
        actor_id=actor.id, reason=reason, note=note)
    db.session.add(transition)
    project.stage, project.status = transition.to_stage, transition.to_status
    db.session.flush()
    return transition


def _require_active(project: Project) -> None:
    if project.status == Status.ON_HOLD:
        raise GateNotMet(_("项目处于暂缓状态，请先恢复推进。"))
    if project.status == Status.DROPPED:
        raise GateNotMet(_("项目已终止；如需重新启用，请联系系统管理员做更正。"))


def _require_next(project: Project, to_stage: Stage) -> None:
    current = Stage(project.stage)
    expected = current.next()
    if to_stage == expected:
        return
    if to_stage.index <= current.index:
        # Already done (typically by a colleague a moment ago): a conflict, not an unmet gate.
        raise Conflict(_("项目已处于“%(stage)s”阶段，不能再进入“%(to)s”；退回须由管理员更正。",
                         stage=current.title, to=to_stage.title))
    raise GateNotMet(_("不能跳过阶段：项目目前为“%(stage)s”，下一步应为“%(next)s”。",
                       stage=current.title, next=expected.title))


def approve(actor, project: Project, data: dict) -> Transition:
    """在谈 → 过会: a signed-off screening and the meeting record."""
    return _advance(actor, project, Stage.APPROVED, data)


def sign(actor, project: Project, data: dict) -> Transition:
    """过会 → 签约: the formal contract, staged commitments, incentive terms; permits follow."""
    return _advance(actor, project, Stage.SIGNED, data)


def start(actor, project: Project, data: dict) -> Transition:
    """签约 → 开工: land supplied and the required permits done."""
    return _advance(actor, project, Stage.STARTED, data)


def produce(actor, project: Project, data: dict) -> Transition:
    """开工 → 投产: the production date is the business date."""
    return _advance(actor, project, Stage.PRODUCING, data)


def _advance(actor, project: Project, to_stage: Stage, data: dict) -> Transition:
    when = _begin(actor, project, data, Move(to_stage))
    _require_active(project)
    _require_next(project, to_stage)
    gate = gates.Gate()
    if to_stage == Stage.APPROVED:
        values = gates.approved_gate(project, data, when, gate)
    elif to_stage == Stage.SIGNED:
        values = gates.signed_gate(project, data, when, gate)
    elif to_stage == Stage.STARTED:
        values = gates.started_gate(project, data, when, gate)
    else:
        values = {}
    gate.check(to_stage.title)
    transition = _record(actor, project, TransitionKind.ADVANCE, when, to_stage=to_stage, note=p.text(
        data.get("note"), "note", max_length=5000, multiline=True, label=_("备注")))
    _store_gate_record(project, transition, to_stage, values)
    return transition


def _store_gate_record(project: Project, transition: Transition, stage: Stage, values: dict) -> None:
    when = transition.effective_date
    if stage == Stage.APPROVED:
        db.session.add(MeetingApproval(project_id=project.id, transition_id=transition.id, meeting_date=when,
                                       **values))
    elif stage == Stage.SIGNED:
        contract = Contract(
            project_id=project.id, transition_id=transition.id, signing_date=when,
            contract_no=values["contract_no"], contract_investment_wan=values["contract_investment_wan"],
            agreed_start_date=values["agreed_start_date"], agreed_production_date=values["agreed_production_date"],
            commitments=[Commitment(**c) for c in values["commitments"]])
        db.session.add(contract)
        db.session.flush()
        db.session.add_all(IncentiveTerm(contract_id=contract.id, project_id=project.id, **t)
                           for t in values["incentive_terms"])
        create_permits(project, values["agreed_start_date"])
    elif stage == Stage.STARTED and values["land_area_mu"] is not None:
        db.session.add(LandSupply(project_id=project.id, transition_id=transition.id,
                                  land_area_mu=values["land_area_mu"], certificate_no=values["land_certificate_no"]))
    db.session.flush()


def hold(actor, project: Project, data: dict) -> Transition:
    when = _begin(actor, project, data, Move.ON_HOLD)
    if project.status != Status.ACTIVE:
        refusal = Conflict if project.status == Status.ON_HOLD else GateNotMet  # on hold already: done
        raise refusal(_("只有推进中的项目可以暂缓（当前状态：%(s)s）。", s=Status(project.status).title))
    note = p.text(data.get("note"), "note", max_length=5000, multiline=True, required=True, label=_("暂缓原因"))
    return _record(actor, project, TransitionKind.HOLD, when, to_status=Status.ON_HOLD, note=note)


def resume(actor, project: Project, data: dict) -> Transition:
    when = _begin(actor, project, data, Move.RESUME)
    if project.status != Status.ON_HOLD:
        refusal = Conflict if project.status == Status.ACTIVE else GateNotMet  # resumed already: done
        raise refusal(_("只有暂缓中的项目可以恢复推进。"))
    note = p.text(data.get("note"), "note", max_length=5000, multiline=True, label=_("备注"))
    return _record(actor, project, TransitionKind.RESUME, when, to_status=Status.ACTIVE, note=note)


def drop(actor, project: Project, data: dict) -> Transition:
    when = _begin(actor, project, data, Move.DROPPED)
    if project.status == Status.DROPPED:
        raise Conflict(_("项目已终止。"))
    reason = list_item_code(ListKind.DROP_REASON, data.get("reason"), "reason", label=_("终止原因"))
    note = p.text(data.get("note"), "note", max_length=5000, multiline=True, label=_("说明"))
    if reason == "other" and not note:
        raise ValidationFailed(_("终止原因为“其他”时请填写说明。"), {"note": [_("请填写说明。")]})
    project.drop_reason_code = reason
    return _record(actor, project, TransitionKind.DROP, when, to_status=Status.DROPPED, reason=reason, note=note)


def correct(actor, project: Project, data: dict) -> Transition:
    """Admin correction: move back to an earlier stage, or reopen a dropped project. Never forward:
    that would skip a gate."""
    require(actor, Action.MANAGE)
    when = _begin(actor, project, data, Move.CORRECTION)
    reason = p.text(data.get("reason"), "reason", max_length=500, required=True, label=_("更正原因"))
    to_stage = Stage(p.choice(data.get("to_stage") or project.stage, "to_stage", list(Stage), label=_("更正后的阶段")))
    if to_stage.index > Stage(project.stage).index:
        raise GateNotMet(_("更正只能退回到之前的阶段或重新启用项目；前进须通过正常流程。"))
    if to_stage == project.stage and project.status != Status.DROPPED:
        raise GateNotMet(_("更正后的阶段与当前相同，且项目未终止，无需更正。"))
    reopening = project.status == Status.DROPPED
    if reopening:
        project.drop_reason_code = None
    correction = _record(actor, project, TransitionKind.CORRECTION, when, to_stage=to_stage,
                         to_status=Status.ACTIVE if reopening else project.status, reason=reason,
                         note=p.text(data.get("note"), "note", max_length=5000, multiline=True, label=_("说明")))
    _void_undone_records(project, to_stage, correction)
    return correction


GATE_RECORDS = ((MeetingApproval, Stage.APPROVED), (Contract, Stage.SIGNED), (LandSupply, Stage.STARTED))


def _void_undone_records(project: Project, to_stage: Stage, correction: Transition) -> None:
    """The records of stages the correction undid stay, marked as voided by it."""
    for model, stage in GATE_RECORDS:
        if stage.index > to_stage.index:
            for record in db.session.scalars(select(model).where(model.project_id == project.id,
                                                                 model.voided_by_id.is_(None))):
                record.voided_by_id = correction.id
    db.session.flush()


MOVES = {Move.APPROVED: approve, Move.SIGNED: sign, Move.STARTED: start, Move.PRODUCING: produce,
         Move.ON_HOLD: hold, Move.RESUME: resume, Move.DROPPED: drop, Move.CORRECTION: correct}


def apply_transition(actor, project: Project, data: dict) -> Transition:
    """The one entry point for the web form and the API: `to` names the move."""
    move = Move.get(data.get("to"))
    if move is None:
        raise ValidationFailed(_("未知的目标：应为以下之一：%(moves)s。", moves="、".join(Move.codes())),
                               {"to": [_("取值无效。")]})
    return MOVES[move](actor, project, data)
