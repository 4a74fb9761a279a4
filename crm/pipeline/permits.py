"""Permits (审批手续) a signed project needs before 开工, and the energy review tier (DOMAIN.md §4.3)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from crm.audit.services import record_extra_change
from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, require
from crm.core.services import check_version
from crm.domain import EnergyTier, PermitKind, Stage, TransitionKind
from crm.extensions import db
from crm.pipeline.models import Permit, Transition
from crm.projects.access import project_for, require_active_record
from crm.projects.models import Project
from crm.projects.signals import figures_changed
from crm.screening.current import signed_screening
from crm.screening.signals import screening_signed

# Mining, manufacturing and utilities build plants that need an environmental assessment.
EIA_SECTIONS = {"B", "C", "D"}


def required_permit_kinds(project: Project) -> set[str]:
    """Which permits must be done before 开工. Rented space (no new land) needs no planning or
    construction permit of its own."""
    kinds = {PermitKind.FILING}
    if project.land_area_mu:
        kinds |= {PermitKind.PLANNING, PermitKind.CONSTRUCTION}
    if project.industry is not None and project.industry.section_code in EIA_SECTIONS:
        kinds.add(PermitKind.EIA)
    own_tier = EnergyTier.of(project.annual_energy_tce, project.annual_electricity_wan_kwh)
    screened = signed_screening(project)
    if own_tier != EnergyTier.NONE or (screened is not None and screened.energy_review_tier not in (None, EnergyTier.NONE)):
        kinds.add(PermitKind.ENERGY_REVIEW)
    return kinds


def create_permits(project: Project, due: date) -> list[Permit]:
    """On signing: one permit row per kind, required or optional by the rules, due by the agreed
    start. Signing again after a correction updates the rows; permits already done stay done."""
    required = required_permit_kinds(project)
    existing = {pm.kind: pm for pm in permits_of(project)}
    for kind in PermitKind:
        permit = existing.get(kind) or Permit(project_id=project.id, kind=kind)
        permit.required, permit.due_date = kind in required, due
        db.session.add(permit)
    db.session.flush()
    return permits_of(project)


def refresh_requirements(project: Project) -> None:
    """After the project's figures change (e.g. energy use), the required flags follow the rules."""
    required = required_permit_kinds(project)
    for permit in permits_of(project):
        if permit.required != (permit.kind in required):
            permit.required = permit.kind in required


def _after_figures_changed(project: Project) -> None:
    if Stage(project.stage).index >= Stage.SIGNED.index:
        refresh_requirements(project)


def _after_screening_signed(screening) -> None:
    # Signed after 签约 with a higher energy tier: the permits follow the screened figures.
    refresh_requirements(screening.project)


def connect_signals() -> None:
    """Permits follow the figures of the project and of its signed screening (see docs/ARCHITECTURE.md)."""
    figures_changed.connect(_after_figures_changed)
    screening_signed.connect(_after_screening_signed)


def permits_of(project: Project) -> list[Permit]:
    return list(db.session.scalars(select(Permit).where(Permit.project_id == project.id).order_by(Permit.id)))


def missing_permits(project: Project, by: date) -> list[Permit]:
    return [pm for pm in permits_of(project) if pm.required and (pm.done_date is None or pm.done_date > by)]


def is_overdue(permit: Permit, today: date | None = None) -> bool:
    return permit.required and permit.done_date is None and permit.due_date < (today or local_today())


def permit_for(actor, permit_id, action: Action = Action.WRITE):
    """A permit, if `actor` may do `action` on its project (the same 404/403 rule as projects)."""
    permit = record_by_id(Permit, permit_id)
    if permit is None:
        raise NotFound(_("审批手续不存在。"))
    project_for(actor, permit.project_id, action)
    return permit


def complete_permit(actor, permit: Permit, data: dict, version) -> Permit:
    require(actor, Action.WRITE, permit.project.unit_id)
    require_active_record(permit.project)
    check_version(permit, version)
    if permit.done_date is not None:
        # The 开工 gate relied on this date: it is evidence, not something to retype; a mistake is
        # corrected with a reason (correct_permit), and the history keeps the old values.
        raise Conflict(_("该审批手续已于 %(date)s 登记办结，不能重复登记；如需更正，请填写更正原因。",
                         date=permit.done_date.isoformat()))
    e = p.FieldErrors()
    done, reference, note = _done_values(e, data, {})
    e.raise_if_any()
    permit.done_date, permit.reference_no, permit.note = done, reference, note
    db.session.flush()
    return permit


def _done_values(e: p.FieldErrors, data: dict, current: dict) -> tuple:
    """The done date, reference and note of `data`; a key left out keeps its `current` value."""
    done = e.run("done_date", p.a_date, data.get("done_date"), "done_date", label=_("办结日期"), required=True,
                 not_after=local_today())
    reference = (e.run("reference_no", p.text, data.get("reference_no"), "reference_no", max_length=100,
                       label=_("批文/证书编号")) if "reference_no" in data or not current else current["reference_no"])
    note = (e.run("note", p.text, data.get("note"), "note", max_length=500, label=_("备注"))
            if "note" in data or not current else current["note"])
    return done, reference, note


def _started_on(project: Project) -> date | None:
    """The business date of the project's live 开工, if it has one."""
    if Stage(project.stage).index < Stage.STARTED.index:
        return None
    return db.session.scalar(select(Transition.effective_date).where(
        Transition.project_id == project.id, Transition.kind == TransitionKind.ADVANCE,
        Transition.to_stage == Stage.STARTED).order_by(Transition.id.desc()).limit(1))


def correct_permit(actor, permit: Permit, data: dict, version) -> Permit:
    """Correct a permit already recorded as done (a mistyped date or number), with a reason the
    history keeps beside the old and new values. A required permit the 开工 gate accepted cannot
    be moved after the start date: the gate would not have let the project start."""
    require(actor, Action.WRITE, permit.project.unit_id)
    require_active_record(permit.project)
    check_version(permit, version)
    if permit.done_date is None:
        raise Conflict(_("该审批手续尚未登记办结，请直接登记办结。"))
    e = p.FieldErrors()
    reason = e.run("reason", p.text, data.get("reason"), "reason", max_length=500, required=True,
                   label=_("更正原因"))
    done, reference, note = _done_values(e, data, {"reference_no": permit.reference_no, "note": permit.note})
    started = _started_on(permit.project) if permit.required else None
    if done is not None and started is not None and done > started:
        e.add("done_date", _("项目已于 %(date)s 开工，必需的审批手续办结日期不能晚于开工日期。", date=started.isoformat()))
    e.raise_if_any()
    if (done, reference, note) == (permit.done_date, permit.reference_no, permit.note):
        raise ValidationFailed(_("更正后的内容与原登记相同，无需更正。"), {"done_date": [_("未作修改。")]})
    permit.done_date, permit.reference_no, permit.note = done, reference, note
    record_extra_change(permit, "correction_reason", None, reason)
    db.session.flush()
    return permit
