"""Trip forms on the web: filing and editing a draft, the report after return (usable on a phone),
and turning a target into a project lead."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.attachments.services import human_size, max_bytes
from crm.core.dates import local_today
from crm.core.forms import run_service
from crm.core.parsing import record_by_id
from crm.domain import TripState
from crm.projects import choices
from crm.trips import documents, queries, report, services
from crm.trips.forms import BLANK_TARGET_ROWS, CsrfForm, LeadForm, filing_data, report_data
from crm.trips.models import Trip, TripTarget
from crm.trips.routes import bp, destination_groups, iso, trip_for
from crm.trips.workdays import report_due_date


def _values_of(trip: Trip | None) -> dict:
    """What the form shows: the trip's values, or a new filing's defaults."""
    if trip is None:
        return {"traveller_ids": [current_user.id], "unit_id": current_user.unit_id, "targets": [],
                "start_date": "", "end_date": "", "destination": "", "purpose": "", "budget_wan": "",
                "late_reason": ""}
    values = services.trip_values(trip)
    return values | {"start_date": iso(trip.start_date), "end_date": iso(trip.end_date),
                     "destination": f"{trip.destination_province}|{trip.destination_city}",
                     "budget_wan": trip.budget_wan if trip.budget_wan is not None else "",
                     "late_reason": trip.late_reason or ""}


def _posted_values(data: dict) -> dict:
    """The posted form shown again after a refusal, as the user typed it."""
    destination = f"{data['destination_province']}|{data['destination_city']}" if data["destination_province"] else ""
    ids = [int(i) for i in data["traveller_ids"] if str(i).isdigit()]
    return data | {"traveller_ids": ids, "destination": destination,
                   "unit_id": int(data["unit_id"]) if str(data["unit_id"] or "").isdigit() else None}


def _filing_page(trip: Trip | None, values: dict, form: CsrfForm):
    rows = list(values["targets"]) + [{}] * BLANK_TARGET_ROWS
    due = None
    if values.get("end_date"):
        try:
            due = report_due_date(date.fromisoformat(str(values["end_date"])))
        except ValueError:
            due = None
    return render_template("trips/form.html", trip=trip, values=values, rows=rows, form=form, due=due,
                           destinations=destination_groups(),
                           travellers=queries.traveller_choices(current_user),
                           units=queries.unit_choices(current_user, write=True), today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = CsrfForm()
    if not queries.unit_choices(current_user, write=True):
        abort(403)
    if form.validate_on_submit():
        data = filing_data(request.form)
        result = run_service(None, lambda: services.create_trip(current_user, data))
        if result:
            flash(_("草稿已保存。请核对后提交审批。"), "success")
            return redirect(url_for("trips.detail", trip_id=result.value.id))
        return _filing_page(None, _posted_values(data), form)
    return _filing_page(None, _values_of(None), form)


@bp.route("/<int:trip_id>/edit", methods=["GET", "POST"])
@login_required
def edit(trip_id: int):
    trip = trip_for(trip_id, write=True)
    form = CsrfForm(version=trip.version)
    if form.validate_on_submit():
        data = filing_data(request.form)
        if run_service(None, lambda: services.update_trip(current_user, trip, data, form.version.data)):
            flash(_("报备已保存。"), "success")
            return redirect(url_for("trips.detail", trip_id=trip.id))
        return _filing_page(trip, _posted_values(data), form)
    if not TripState(trip.state).editable:
        flash(_("只有草稿或已退回的报备可以修改（当前状态：%(state)s）。", state=TripState(trip.state).title), "warning")
        return redirect(url_for("trips.detail", trip_id=trip.id))
    return _filing_page(trip, _values_of(trip), form)


@bp.route("/<int:trip_id>/report", methods=["GET", "POST"])
@login_required
def report_form(trip_id: int):
    trip = trip_for(trip_id, write=True)
    form = CsrfForm(version=trip.version)
    posted = {}
    if form.validate_on_submit():
        data, files = report_data(request.form, trip), request.files.getlist("files")
        if run_service(None, lambda: documents.report_with_files(current_user, trip, data, form.version.data, files)):
            flash(_("外出报告已提交。"), "success")
            return redirect(url_for("trips.detail", trip_id=trip.id))
        posted = request.form
    return render_template("trips/report.html", trip=trip, form=form, posted=posted, today=local_today(),
                           attachment_max_size=human_size(max_bytes()))


def _target_for(trip: Trip, target_id: int) -> TripTarget:
    target = record_by_id(TripTarget, target_id)
    if target is None or target.trip_id != trip.id:
        abort(404)
    return target


@bp.route("/<int:trip_id>/targets/<int:target_id>/lead", methods=["GET", "POST"])
@login_required
def lead(trip_id: int, target_id: int):
    trip = trip_for(trip_id, write=True)
    target = _target_for(trip, target_id)
    form = LeadForm(data=report.lead_defaults(target, current_user) if request.method == "GET" else None)
    form.industry_code.choices = choices.industry_choices()
    form.owner_id.choices = [(u, n) for u, n in choices.owner_choices_for(current_user)]
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("name", "industry_code", "total_investment_wan", "fund_origin", "owner_id")}
        result = run_service(form, lambda: report.create_lead(current_user, target, data))
        if result:
            flash(_("已由拜访对象新建项目线索（来源：外出招商）。请补充项目信息。"), "success")
            return redirect(url_for("projects.detail", project_id=result.value.id))
    return render_template("trips/lead.html", trip=trip, target=target, form=form)


@bp.post("/<int:trip_id>/targets/<int:target_id>/link")
@login_required
def link(trip_id: int, target_id: int):
    trip = trip_for(trip_id, write=True)
    target = _target_for(trip, target_id)
    form = CsrfForm()
    if form.validate_on_submit() and run_service(
            None, lambda: report.link_project(current_user, target, request.form.get("project_id"))):
        flash(_("已关联项目。"), "success")
    return redirect(url_for("trips.detail", trip_id=trip.id))


@bp.get("/due-date")
@login_required
def due_date():
    """The report's due date for a return date, shown on the filing form as the user types."""
    try:
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        return {"due": None}
    return {"due": report_due_date(end).isoformat() if date(1990, 1, 1) <= end <= date(2100, 1, 1) else None}
