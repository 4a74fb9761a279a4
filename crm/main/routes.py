"""Home page and language switch."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.core.dates import local_today
from crm.core.paging import fetch_page, web_page_number
from crm.core.permissions import Action, can
from crm.core.web import is_safe_redirect
from crm.extensions import db
from crm.followups.services import due_follow_ups
from crm.main.stalled import KINDS, stalled_for, stalled_page
from crm.projects.home import home_figures
from crm.screening.services import awaiting_signoff
from crm.trips.queries import overdue_reports

bp = Blueprint("main", __name__)
PER_PAGE = 50
HOME_ROWS = 10  # the home page shows the first rows of each list, with its total and a link to all

@bp.route("/")
@login_required
def home():
    today = local_today()
    counts, year = home_figures(current_user, today)
    return render_template(
        "main/home.html", user=current_user, today=today,
        due_follow_ups=due_follow_ups(current_user, today),
        stalled=(stalled_for(current_user, today, HOME_ROWS)
                 if can(current_user, Action.REVIEW, current_user.unit_id) else None),
        counts=counts, year=year,
        pending_screenings=(fetch_page(awaiting_signoff(current_user), 1, HOME_ROWS)
                            if can(current_user, Action.SIGN_SCREENING) else None),
        overdue_trips=(overdue_reports(current_user, today)
                       if can(current_user, Action.APPROVE, current_user.unit_id) else None),
    )


@bp.route("/stalled/<kind>")
@login_required
def stalled(kind: str):
    """One stalled list in full, paged (the home page shows its first rows)."""
    if kind not in KINDS or not can(current_user, Action.REVIEW, current_user.unit_id):
        abort(404)
    result = stalled_page(current_user, kind, web_page_number(), PER_PAGE)
    return render_template("main/stalled.html", kind=kind, result=result)


@bp.route("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("main.home"))


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
