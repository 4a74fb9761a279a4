"""Printed documents (DOMAIN §9): the project brief and the review-meeting pack. Thin views."""

from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.core.dates import local_today
from crm.core.errors import ServiceError
from crm.core.parsing import summarise
from crm.core.pdf import render_pdf
from crm.extensions import db
from crm.projects.access import project_for
from crm.reports import services
from crm.reports.dispatch import dispatch_data

bp = Blueprint("reports", __name__)


def _document_context(title: str, as_of=None) -> dict:
    """What every document's header and footer show: the bureau, the marking, when and as of when."""
    config = current_app.config
    return {"doc_title": title, "bureau": config.get("BUREAU_NAME", "示范市投资促进局"),
            "marking": config.get("DOCUMENT_MARKING", "内部资料 注意保存"),
            "generated_at": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"), "as_of": as_of or local_today()}


def _pdf(html: str, filename: str) -> Response:
    response = Response(render_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


@bp.get("/projects/<int:project_id>/brief.pdf")
@login_required
def project_brief(project_id: int):
    project = project_for(current_user, project_id)
    title = _("项目简报：%(name)s", name=project.name)
    html = render_template("reports/brief.html", brief=services.brief_data(current_user, project),
                           **_document_context(title))
    services.record_print(current_user, "brief", title, [project])
    db.session.commit()
    return _pdf(html, f"{project.name}-简报.pdf")


@bp.get("/reports/meeting-pack.pdf")
@login_required
def meeting_pack():
    try:
        pack = services.meeting_pack(current_user, request.args)
    except ServiceError as err:
        if err.status == 404:
            raise
        return _queue(err), 422
    title = _("过会材料：%(name)s", name=pack.meeting_name)
    html = render_template("reports/meeting_pack.html", pack=pack, **_document_context(title))
    services.record_print(current_user, "meeting_pack", title, [b["project"] for b in pack.briefs])
    db.session.commit()
    return _pdf(html, f"{pack.meeting_name}-过会材料.pdf")


@bp.get("/reports/meeting-pack")
@login_required
def meeting_queue():
    """Choose the projects of the next review meeting (the 过会 queue), or name the meeting of the
    projects ticked in the ledger, and print their pack."""
    return _queue(None)


def _queue(error):
    selected = "project_id" in request.args
    projects = (services.selected_projects(current_user, request.args) if selected
                else services.awaiting_meeting(current_user))
    return render_template("reports/queue.html", error=error, projects=projects, selected=selected, args=request.args)


@bp.get("/reports/dispatch.pdf")
@login_required
def dispatch():
    """The dispatch report (调度通报) of the funnel's period and filters; whoever may open /funnel may print it."""
    try:
        data = dispatch_data(current_user, request.args)
    except ServiceError as err:  # the funnel's own reasons: bad dates, unknown unit/chain/tier, another unit
        return render_template("reports/dispatch_error.html", error=err, details=summarise(err.fields),
                               args=request.args), err.status
    f = data.filters
    title = _("调度通报（%(start)s 至 %(end)s）", start=f.start, end=f.end)
    html = render_template("reports/dispatch.html", d=data, report=data.report, **_document_context(title, f.end))
    services.record_print(current_user, "dispatch", " ".join([title, *(v for _label, v in data.filter_text)]), [])
    db.session.commit()
    return _pdf(html, f"调度通报_{f.start}_{f.end}.pdf")
