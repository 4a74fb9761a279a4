"""Moves and permits on the project page: thin views over crm.pipeline.services and permits."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.core.forms import flash_form_errors, run_service
from crm.core.permissions import Action
from crm.domain import ListKind, Move
from crm.pipeline import permits as permit_rules
from crm.pipeline import services as pipeline
from crm.pipeline.forms import MOVE_FORMS, PermitCorrectionForm, PermitForm
from crm.projects.access import project_for
from crm.reference.services import list_items

bp = Blueprint("pipeline", __name__, url_prefix="/projects")


@bp.route("/<int:project_id>/move/<to>", methods=["GET", "POST"])
@login_required
def move(project_id: int, to: str):
    project = project_for(current_user, project_id, Action.WRITE)
    to = Move.get(to)
    if to is None:
        abort(404)
    form = MOVE_FORMS[to](version=project.version)
    if to == Move.DROPPED:
        form.reason.choices = [(item.code, item.label) for item in list_items(ListKind.DROP_REASON)]
    result = form.validate_on_submit() and run_service(
        form, lambda: pipeline.apply_transition(current_user, project, {**form.data, "to": to}))
    if result:
        flash(_("已记录。"), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    # The 开工 gate named permits not done: link to where they are recorded.
    permits_missing = bool(result is not False and "permits" in getattr(result.value, "fields", {}))
    return render_template("pipeline/move.html", form=form, project=project, to=to,
                           permits_url=url_for("projects.detail", project_id=project.id) + "#permits"
                           if permits_missing else None)


@bp.post("/permits/<int:permit_id>")
@login_required
def complete_permit(permit_id: int):
    permit = permit_rules.permit_for(current_user, permit_id)
    form = PermitForm()
    if form.validate_on_submit() and run_service(
            form, lambda: permit_rules.complete_permit(current_user, permit, form.data, form.version.data)):
        flash(_("审批手续已登记办结。"), "success")
    flash_form_errors(form)
    return redirect(url_for("projects.detail", project_id=permit.project_id) + "#permits")


@bp.post("/permits/<int:permit_id>/correct")
@login_required
def correct_permit(permit_id: int):
    permit = permit_rules.permit_for(current_user, permit_id)
    form = PermitCorrectionForm()
    if form.validate_on_submit() and run_service(
            form, lambda: permit_rules.correct_permit(current_user, permit, form.data, form.version.data)):
        flash(_("审批手续办结信息已更正。"), "success")
    flash_form_errors(form)
    return redirect(url_for("projects.detail", project_id=permit.project_id) + "#permits")
