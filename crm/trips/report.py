"""The trip report (外出报告, DOMAIN §5) and the leads it produces.

After return a report is due within 5 PRC working days: per target whether it was visited, the
outcome and the next step, and the actual expenses. A target becomes a new project (source `trip`)
through the projects' own `create_project`, or is linked to an existing project of the unit.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.models import utcnow
from crm.core.services import check_version
from crm.domain import Source, TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.projects.services import create_project
from crm.trips.models import Trip, TripTarget
from crm.trips.services import MAX_BUDGET_WAN, may_write

LEAD_STATES = (TripState.APPROVED, TripState.REPORTED)  # a lead comes from a trip that happened


def _refuse(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def _report_rows(e: p.FieldErrors, trip: Trip, raw) -> dict[int, dict]:
    if not isinstance(raw, list) or not raw:
        e.add("targets", _("请逐一填写每个拜访对象的拜访情况。"))
        return {}
    known = {t.id for t in trip.targets}
    rows: dict[int, dict] = {}
    for i, row in enumerate(raw):
        field = f"targets[{i}]"
        if not isinstance(row, dict):
            e.add(field, _("拜访情况格式不正确。"))
            continue
        target_id = p.whole_number(row.get("target_id"))
        if target_id not in known:
            e.add(field, _("拜访对象不属于这次外出。"))
            continue
        rows[target_id] = {
            "visited": e.run(field, p.flag, row.get("visited"), field, label=_("是否拜访")),
            "outcome": e.run(field, p.text, row.get("outcome"), field, max_length=1000, multiline=True,
                             label=_("洽谈成果")),
            "next_step": e.run(field, p.text, row.get("next_step"), field, max_length=500, label=_("下一步")),
        }
        if row.get("visited") is None:
            e.add(field, _("请说明是否拜访了该对象。"))
        elif rows[target_id]["visited"] and not rows[target_id]["outcome"]:
            e.add(field, _("已拜访的对象请填写洽谈成果。"))
    missing = [t.company_name for t in trip.targets if t.id not in rows]
    if rows and missing:
        e.add("targets", _("还有拜访对象未填写情况：%(names)s", names="、".join(missing)))
    return rows


def report_trip(actor, trip: Trip, data: dict, version, *, today: date | None = None) -> Trip:
    """Record the report of an approved trip, once, from its return date on."""
    today = today or local_today()
    if not may_write(actor, trip):
        raise PermissionDenied(_("您没有权限填写这次外出的报告。"))
    check_version(trip, version)
    if trip.state == TripState.REPORTED:
        raise Conflict(_("这次外出已提交报告，不能重复提交。"))
    if trip.state != TripState.APPROVED:
        raise Conflict(_("只有已批准的外出可以提交报告（当前状态：%(state)s）。", state=TripState(trip.state).title))
    if today < trip.end_date:
        _refuse("end_date", _("行程尚未结束（返回日期 %(date)s），返回后再提交报告。", date=trip.end_date.isoformat()))
    e = p.FieldErrors()
    rows = _report_rows(e, trip, data.get("targets"))
    expenses = e.run("expenses_wan", p.decimal, data.get("expenses_wan"), "expenses_wan", label=_("实际费用"),
                     required=True, maximum=MAX_BUDGET_WAN)
    notes = e.run("notes", p.text, data.get("notes"), "notes", max_length=5000, multiline=True, label=_("报告说明"))
    e.raise_if_any()
    for target in trip.targets:
        for key, value in rows[target.id].items():
            setattr(target, key, value)
    trip.expenses_wan, trip.report_notes = expenses, notes
    trip.state, trip.reported_at = TripState.REPORTED, utcnow()
    trip.report_late = trip.report_due_date is not None and today > trip.report_due_date
    db.session.flush()
    return trip


def _lead_target(actor, target: TripTarget) -> Trip:
    trip = target.trip
    if not may_write(actor, trip):
        raise PermissionDenied(_("您没有权限处理这次外出的拜访对象。"))
    if trip.state not in LEAD_STATES:
        raise Conflict(_("外出获批并成行后，拜访对象才能转为项目线索。"))
    if target.project_id is not None:
        raise Conflict(_("该拜访对象已关联项目。"))
    return trip


def lead_defaults(target: TripTarget, actor) -> dict:
    """The new project's fields as the target already knows them (the user completes the rest)."""
    return {"name": _("%(company)s投资项目", company=target.company_name), "investor_name": target.company_name,
            "investor_uscc": target.uscc, "source": Source.TRIP, "unit_id": target.trip.unit_id,
            "owner_id": actor.id if actor.unit_id == target.trip.unit_id else None,
            "summary": target.outcome or target.topic}


def create_lead(actor, target: TripTarget, data: dict) -> Project:
    """A new project in talks from a target (source 外出招商), through the projects' own rules."""
    _lead_target(actor, target)
    values = lead_defaults(target, actor) | {k: v for k, v in data.items() if not p.blank(v)}
    values |= {"source": Source.TRIP, "unit_id": target.trip.unit_id}  # what makes it this trip's lead
    project = create_project(actor, values)
    target.project_id, target.lead_created = project.id, True
    db.session.flush()
    return project


def link_project(actor, target: TripTarget, project_id) -> TripTarget:
    """Link a target to an existing project of the trip's unit."""
    trip = _lead_target(actor, target)
    number = p.ref_id(project_id, "project_id", label=_("关联项目"), required=True)
    project = db.session.get(Project, number)
    if project is None or project.archived_at is not None or project.unit_id != trip.unit_id:
        _refuse("project_id", _("关联项目须为出行单位在册的项目。"))
    target.project_id = project.id
    db.session.flush()
    return target
