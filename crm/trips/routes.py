"""Trip web views: the list, the month calendar, the trip page and its moves. Thin: the services
hold the rules. The filing, report and lead forms are in `crm.trips.filing`."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from crm.attachments.models import Attachment
from crm.attachments.page import owner_section
from crm.audit.present import history_page, owned_rows, records_condition
from crm.core.dates import local_today
from crm.core.errors import ServiceError
from crm.core.forms import run_service
from crm.core.paging import fetch_page, web_page_number
from crm.core.parsing import record_by_id, summarise
from crm.core.permissions import Action, can
from crm.domain import AttachmentCategory, TripState
from crm.trips import documents, queries, services
from crm.trips.figures import REACHED, figures_workbook, trip_figures
from crm.trips.figures import headers as figure_headers
from crm.trips.figures import values as figure_values
from crm.trips.forms import TripActionForm
from crm.trips.models import Trip, TripTarget
from crm.trips.regions import PREFECTURES, cities

bp = Blueprint("trips", __name__, url_prefix="/trips")
PER_PAGE = 30


# Who and where of a trip, loaded with it: its page shows them (one statement, not one each).
PAGE_OPTIONS = (joinedload(Trip.unit), joinedload(Trip.created_by), joinedload(Trip.decided_by))


def trip_for(trip_id: int, write: bool = False, options=()) -> Trip:
    """The trip, or 404 for one the user may not read (existence is not revealed)."""
    trip = record_by_id(Trip, trip_id, options)
    if trip is None or not services.may_read(current_user, trip):
        abort(404)
    if write and not services.may_write(current_user, trip):
        abort(403)
    return trip


def _filters() -> queries.TripFilters:
    try:
        return queries.TripFilters.from_args(request.args)
    except ServiceError as err:
        flash(err.message + " " + summarise(err.fields), "warning")
        return queries.TripFilters()


@bp.route("")
@login_required
def index():
    filters, today = _filters(), local_today()
    page = fetch_page(queries.with_people(queries.trip_list(current_user, filters, today)), web_page_number(), PER_PAGE)
    travellers, choose_unit_first = queries.traveller_filter_choices(current_user, filters.unit_id,
                                                                     filters.traveller_id)
    return render_template("trips/list.html", page=page, filters=filters, args=filters.as_args(), today=today,
                           units=queries.unit_choices(current_user, write=False), travellers=travellers,
                           choose_unit_first=choose_unit_first, states=TripState.choices(),
                           is_overdue=queries.is_overdue)


def _month() -> tuple[int, int]:
    today = local_today()
    year = request.args.get("year", today.year, type=int)
    month = request.args.get("month", today.month, type=int)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


@bp.route("/calendar")
@login_required
def calendar():
    year, month = _month()
    unit_id = request.args.get("unit_id", type=int)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template("trips/calendar.html", year=year, month=month, unit_id=unit_id,
                           weeks=queries.month_calendar_weeks(current_user, year, month, unit_id),
                           units=queries.unit_choices(current_user, write=False), previous=previous,
                           following=following, today=local_today())


def trip_history(trip: Trip):
    """A page of the trip's history in words: its own entries, its targets' and its documents'."""
    return history_page(records_condition(trip, owned_rows(TripTarget, TripTarget.trip_id == trip.id),
                                          owned_rows(Attachment, Attachment.trip_id == trip.id)))


@bp.route("/<int:trip_id>")
@login_required
def detail(trip_id: int):
    trip, today = trip_for(trip_id, options=PAGE_OPTIONS), local_today()
    return render_template(
        "trips/detail.html", trip=trip, today=today, history=trip_history(trip),
        form=TripActionForm(version=trip.version), can_write=services.may_write(current_user, trip),
        can_decide=services.may_decide(current_user, trip), overdue=queries.is_overdue(trip, today),
        late_if_submitted=today >= trip.start_date, State=TripState,
        **owner_section(current_user, documents.KIND, trip, AttachmentCategory.PHOTO))


def _move(trip_id: int, action, done: str):
    trip = trip_for(trip_id)
    form = TripActionForm()
    if form.validate_on_submit() and run_service(None, lambda: action(trip, form)):
        flash(done, "success")
    elif form.errors:
        flash(summarise(form.errors), "danger")
    return redirect(url_for("trips.detail", trip_id=trip.id))


@bp.post("/<int:trip_id>/submit")
@login_required
def submit(trip_id: int):
    return _move(trip_id, lambda trip, form: services.submit_trip(
        current_user, trip, form.version.data, late_reason=form.late_reason.data), _("已提交审批。"))


@bp.post("/<int:trip_id>/approve")
@login_required
def approve(trip_id: int):
    return _move(trip_id, lambda trip, form: services.approve_trip(
        current_user, trip, form.version.data, form.comment.data), _("已批准。"))


@bp.post("/<int:trip_id>/reject")
@login_required
def reject(trip_id: int):
    return _move(trip_id, lambda trip, form: services.reject_trip(
        current_user, trip, form.version.data, form.comment.data), _("已退回，填报人可修改后重新提交。"))


@bp.post("/<int:trip_id>/cancel")
@login_required
def cancel(trip_id: int):
    return _move(trip_id, lambda trip, form: services.cancel_trip(
        current_user, trip, form.version.data, form.reason.data), _("已取消，记录保留。"))


def destination_groups() -> dict[str, tuple[str, ...]]:
    return {province: cities(province) for province in PREFECTURES}


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _period() -> tuple[date, date, int | None]:
    """The figures' period from the query string: this year so far unless given."""
    today = local_today()
    try:
        start = date.fromisoformat(request.args.get("from") or f"{today.year}-01-01")
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        flash(_("日期格式应为 YYYY-MM-DD。"), "warning")
        start, end = date(today.year, 1, 1), today
    if end < start or start.year < 1990 or end.year > 2100:
        flash(_("统计期间无效，已改为今年以来。"), "warning")
        start, end = date(today.year, 1, 1), today
    return start, end, request.args.get("unit_id", type=int)


def _require_review() -> None:
    if not can(current_user, Action.REVIEW, current_user.unit_id):
        abort(403)


@bp.route("/figures")
@login_required
def figures():
    _require_review()
    start, end, unit_id = _period()
    return render_template("trips/figures.html", figures=trip_figures(current_user, start, end, unit_id),
                           headers=figure_headers(), values=figure_values, unit_id=unit_id,
                           units=queries.unit_choices(current_user, write=False), REACHED=REACHED)


@bp.route("/figures.xlsx")
@login_required
def figures_export():
    _require_review()
    start, end, unit_id = _period()
    book = figures_workbook(trip_figures(current_user, start, end, unit_id))
    return send_file(book, as_attachment=True, download_name=f"外出招商统计_{start}_{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
