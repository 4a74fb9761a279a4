"""Home page and language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from crm.core.web import is_safe_redirect
from crm.extensions import db
from crm.units.models import Unit

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    unit_count = db.session.scalar(select(func.count()).select_from(Unit).where(Unit.archived_at.is_(None)))
    return render_template("main/home.html", user=current_user, unit_count=unit_count)


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
