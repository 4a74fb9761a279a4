"""Project web views: ledger, export, project page, forms. Thin: the services hold the rules."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.core.errors import ServiceError
from crm.core.features import registry
from crm.core.forms import run_service
from crm.core.paging import fetch_page, web_page_number
from crm.core.parsing import summarise
from crm.core.permissions import Action
from crm.projects import choices, services
from crm.projects.access import project_for
from crm.projects.export import ledger_workbook
from crm.projects.forms import ArchiveProjectForm, InvestorRulingForm, ProjectForm
from crm.projects.page import PAGE_OPTIONS, page_data, project_history
from crm.projects.queries import (
    ProjectFilters,
    ledger_query,
    ledger_totals,
    registered_chips,
    with_list_relations,
)

bp = Blueprint("projects", __name__, url_prefix="/projects")
PER_PAGE = 50


def _filters() -> ProjectFilters:
    try:
        return ProjectFilters.from_args(request.args)
    except ServiceError as err:
        flash(err.message + " " + summarise(err.fields), "warning")
        return ProjectFilters()


@bp.route("")
@login_required
def ledger():
    filters = _filters()
    page = web_page_number()
    stmt = ledger_query(current_user, filters)
    total, total_wan = ledger_totals(stmt)  # exact, filtered or not: what "共 N 条" and the total row say
    result = fetch_page(with_list_relations(stmt), page, PER_PAGE, total=total)
    rows = result.items
    return render_template(
        "projects/ledger.html", projects=rows, total=total, page=page, per_page=PER_PAGE, filters=filters,
        total_wan=total_wan, extra_chips=registered_chips(filters),
        args=filters.as_args(), units=choices.filter_unit_choices(current_user), chains=choices.chain_choices()[1:],
        leaders=choices.leader_choices()[1:])


@bp.route("/export.xlsx")
@login_required
def export():
    filters = _filters()
    # Streamed: the rows are read and written while the response is sent (crm/core/excel.py).
    body = stream_with_context(ledger_workbook(ledger_query(current_user, filters)))
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers.set("Content-Disposition", "attachment", filename="xlsx",
                         **{"filename*": "UTF-8''" + quote("项目台账.xlsx")})  # what send_file would say
    return response


def _project_form(project=None) -> ProjectForm:
    form = ProjectForm(obj=project)
    if project is not None and request.method == "GET":
        while len(form.contacts) < len(project.contacts) + 2:  # room for a new contact or two
            form.contacts.append_entry()
    form.industry_code.choices = choices.industry_choices()
    form.chain_id.choices = choices.chain_choices()
    form.unit_id.choices = choices.unit_choices_for(current_user)
    form.owner_id.choices = choices.owner_choices_for(current_user)
    form.lead_leader_id.choices = choices.leader_choices()
    if request.method == "GET" and project is None:
        form.unit_id.data = current_user.unit_id
        form.owner_id.data = current_user.id
    return form


def _project_data(form: ProjectForm) -> dict:
    return {name: field.data for name, field in form._fields.items()
            if name in services.EDITABLE_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.may_record_projects(current_user):
        abort(403)
    form = _project_form()
    if form.validate_on_submit() and (result := run_service(
            form, lambda: services.create_project(current_user, _project_data(form), form.contacts.data))):
        project = result.value
        _warn_duplicates(project)
        flash(_("项目已登记。"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None)


def _warn_duplicates(project) -> None:
    for dup in services.possible_duplicates(project, current_user):
        if dup.visible:
            flash(_("可能重复：%(reason)s —— %(unit)s 的“%(name)s”（编号 %(id)s）。请核实，避免重复统计。",
                    reason=dup.reason, unit=dup.project.unit.name, name=dup.project.name, id=dup.project.id),
                  "warning")
        else:
            flash(_("可能重复：%(reason)s —— %(unit)s 已登记同一投资方的项目。请与该单位核实，避免重复统计。",
                    reason=dup.reason, unit=dup.project.unit.name), "warning")


@bp.route("/<int:project_id>")
@login_required
def detail(project_id: int):
    project = project_for(current_user, project_id, options=PAGE_OPTIONS)
    context = page_data(current_user, project)
    sections = registry().project_sections
    for section in sections:
        context |= section.context(current_user, project)
    return render_template("projects/detail.html", **context, sections=sections, ruling_form=InvestorRulingForm(),
                           archive_form=ArchiveProjectForm(version=project.version))


@bp.route("/<int:project_id>/history")
@login_required
def history(project_id: int):
    """The whole change history of a project, 50 actions a page."""
    project = project_for(current_user, project_id)
    return render_template("projects/history.html", project=project,
                           history=project_history(project, web_page_number()))


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = _project_form(project)
    if form.validate_on_submit() and run_service(
            form, lambda: services.update_project(current_user, project, _project_data(form), form.version.data,
                                                  form.contacts.data)):
        _warn_duplicates(project)
        flash(_("项目已保存。"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project)


@bp.post("/<int:project_id>/archive")
@login_required
def archive(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = ArchiveProjectForm()
    if form.validate_on_submit() and run_service(
            form, lambda: services.archive_project(current_user, project, form.version.data)):
        flash(_("项目已归档。"), "success")
        return redirect(url_for("projects.ledger"))
    return redirect(url_for("projects.detail", project_id=project.id))


@bp.post("/<int:project_id>/investor")
@login_required
def rule_investor(project_id: int):
    project = project_for(current_user, project_id)
    form = InvestorRulingForm()
    if form.validate_on_submit():
        other = project_for(current_user, form.other_project_id.data)
        if run_service(form, lambda: services.rule_on_investor(current_user, project, other, form.verdict.data,
                                                               form.note.data or None)):
            flash(_("已记录判定。"), "success")
    return redirect(url_for("projects.detail", project_id=project.id))
