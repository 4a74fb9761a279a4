"""The funnel page (/funnel) and its Excel export: leaders, viewers and admins see every unit,
unit heads and staff their own unit (the report is scoped by crm.core.permissions)."""

from flask import Blueprint, flash, render_template, request, send_file
from flask_login import current_user, login_required

from crm.core.errors import ServiceError
from crm.core.parsing import summarise
from crm.core.permissions import Action, can
from crm.domain import SizeTier, Source
from crm.funnel import page as links
from crm.funnel.charts import report_charts
from crm.funnel.excel import funnel_workbook
from crm.funnel.filters import PERIODS, parse_filters
from crm.funnel.report import add_chart_data, build_report
from crm.projects.choices import chain_choices, filter_unit_choices

bp = Blueprint("funnel", __name__, url_prefix="/funnel")


def _filters():
    """The asked-for report, or this year's with the reason shown when the input is unusable."""
    try:
        return parse_filters(current_user, request.args)
    except ServiceError as err:
        flash(err.message + " " + summarise(err.fields), "warning")
        return parse_filters(current_user, {})


@bp.route("")
@login_required
def page():
    f = _filters()
    report = add_chart_data(build_report(current_user, f))
    stalled = links.stalled_rows(current_user) if can(current_user, Action.REVIEW, current_user.unit_id) else None
    return render_template(
        "funnel/page.html", report=report, f=f, links=links, stalled=stalled, periods=PERIODS,
        units=filter_unit_choices(current_user), chains=chain_choices()[1:],
        tiers=SizeTier.choices(), sources=Source.choices(), band_titles=links.BAND_TITLES,
        charts=report_charts(report))


@bp.route("/export.xlsx")
@login_required
def export():
    f = _filters()
    workbook = funnel_workbook(build_report(current_user, f))
    return send_file(workbook, as_attachment=True, download_name=f"招商漏斗_{f.start}_{f.end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
