"""Home page and language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.core.dates import local_today
from crm.core.permissions import Action, can
from crm.core.web import is_safe_redirect
from crm.extensions import db
from crm.followups.services import due_follow_ups
from crm.main.stalled import stalled_for
from crm.projects.home import stage_counts
from crm.screening.services import awaiting_signoff
from crm.trips.queries import overdue_reports

bp = Blueprint("main", __name__)

@bp.route("/")
@login_required
def home():
    today = local_today()
    return render_template(
        "main/home.html", user=current_user, today=today,
        due_follow_ups=due_follow_ups(current_user, today),
        stalled=stalled_for(current_user, today) if can(current_user, Action.REVIEW, current_user.unit_id) else None,
        counts=stage_counts(current_user),
        pending_screenings=awaiting_signoff(current_user) if can(current_user, Action.SIGN_SCREENING) else None,
        overdue_trips=overdue_reports(current_user, today) if can(current_user, Action.APPROVE, current_user.unit_id)
        else None,
    )


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
