"""The funnel page (/funnel) and its Excel export."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("funnel", __name__, url_prefix="/funnel")


@bp.route("")
@login_required
def page():
    return render_template("funnel/page.html")
