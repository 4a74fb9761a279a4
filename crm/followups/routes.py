"""Web views for follow-up records (跟进记录): thin views over crm.followups.services."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.audit.present import record_history
from crm.core.errors import NotFound
from crm.core.forms import run_service
from crm.core.parsing import record_by_id
from crm.core.permissions import Action
from crm.followups import services
from crm.followups.forms import FollowUpActionForm, FollowUpForm
from crm.followups.models import FollowUp
from crm.projects.access import project_for

bp = Blueprint("followups", __name__)


def project_url(project_id: int) -> str:
    """The project page's follow-up section."""
    return url_for("projects.detail", project_id=project_id, _anchor="followups")


def _follow_up_and_project(follow_up_id: int):
    follow_up = record_by_id(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(_("跟进记录不存在。"))
    project = project_for(current_user, follow_up.project_id, Action.WRITE)
    return follow_up, project


def _form(project, follow_up=None) -> FollowUpForm:
    form = FollowUpForm(obj=follow_up)
    choices = [(None, _("（无）"))] + services.owner_choices(project)
    owner = follow_up.next_action_owner if follow_up is not None else None
    if owner is not None and owner.id not in {c[0] for c in choices}:
        choices.append((owner.id, _("%(name)s（已不可选）", name=owner.name)))  # keep what was saved visible
    form.next_action_owner_id.choices = choices
    return form


@bp.post("/projects/<int:project_id>/followups")
@login_required
def add(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = _form(project)
    if form.validate_on_submit() and run_service(
        form, lambda: services.add_follow_up(current_user, project, form.data_for_service())
    ):
        flash(_("跟进记录已保存。"), "success")
        return redirect(project_url(project.id))
    return render_template("followups/edit.html", form=form, project=project, follow_up=None,
                           cancel_url=project_url(project.id))


@bp.route("/followups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@login_required
def edit(follow_up_id: int):
    follow_up, project = _follow_up_and_project(follow_up_id)
    form = _form(project, follow_up)
    if form.validate_on_submit() and run_service(
        form, lambda: services.update_follow_up(current_user, follow_up, form.data_for_service(), form.version.data)
    ):
        flash(_("跟进记录已保存。"), "success")
        return redirect(project_url(project.id))
    return render_template(
        "followups/edit.html", form=form, project=project, follow_up=follow_up,
        cancel_url=project_url(project.id), history=record_history(follow_up),
        action_form=FollowUpActionForm(formdata=None, version=follow_up.version),
    )


@bp.post("/followups/<int:follow_up_id>/done")
@login_required
def done(follow_up_id: int):
    follow_up, project = _follow_up_and_project(follow_up_id)
    form = FollowUpActionForm()
    if form.validate_on_submit() and run_service(
        None, lambda: services.complete_next_action(current_user, follow_up, form.version.data)  # refusals are flashed
    ):
        flash(_("下一步工作已标记为完成。"), "success")
    return redirect(project_url(project.id))


@bp.post("/followups/<int:follow_up_id>/archive")
@login_required
def archive(follow_up_id: int):
    follow_up, project = _follow_up_and_project(follow_up_id)
    form = FollowUpActionForm()
    if form.validate_on_submit() and run_service(
        None, lambda: services.archive_follow_up(current_user, follow_up, form.version.data)  # refusals are flashed
    ):
        flash(_("跟进记录已归档。"), "success")
    return redirect(project_url(project.id))
