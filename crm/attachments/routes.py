"""Web views for attachments of projects, trips and payouts: upload, download, archive (thin views
over the services; the owner kinds are registered in crm/attachments/owners.py)."""

from flask import Blueprint, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.attachments import owners, services
from crm.attachments.forms import AttachmentArchiveForm, AttachmentForm
from crm.core.forms import flash_form_errors, run_service
from crm.core.permissions import Action
from crm.projects.access import project_for

bp = Blueprint("attachments", __name__)


def project_section_url(project_id: int) -> str:
    """The attachments section of the project page."""
    return url_for("projects.detail", project_id=project_id, _anchor="attachments")


def download_response(attachment, path):
    # Werkzeug adds "; charset=utf-8" to text types itself: pass the bare type, or it appears twice.
    mimetype = attachment.content_type.split(";", 1)[0].strip()
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=attachment.filename, etag=attachment.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/projects/<int:project_id>/attachments")
@login_required
def upload(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = AttachmentForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.store_attachment(current_user, project, form.file.data, form.category.data,
                                                form.note.data)
    ):
        flash(_("附件已上传。"), "success")
    else:
        flash_form_errors(form)
    return redirect(project_section_url(project.id))


# One rule per owner, all static but the id: a converter in the first segment would lose to the
# payouts' own /payouts/<id>/<step>.
@bp.post("/trips/<int:record_id>/attachments", defaults={"kind": "trips"})
@bp.post("/payouts/<int:record_id>/attachments", defaults={"kind": "payouts"})
@login_required
def upload_to(kind: str, record_id: int):
    """Attach a document to a trip or a payout (the owner's check runs in the service)."""
    owner = owners.owner(kind)
    owner.check(current_user, record_id, False)  # 404 before anything for a record the user may not see
    form = AttachmentForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.attach(current_user, kind, record_id, form.file.data, form.category.data,
                                      form.note.data)
    ):
        flash(_("附件已上传。"), "success")
    else:
        flash_form_errors(form)
    return redirect(owner.page_url(record_id) + "#attachments")


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
def download(attachment_id: int):
    attachment, path = services.open_for_download(current_user, attachment_id)
    return download_response(attachment, path)


@bp.post("/attachments/<int:attachment_id>/archive")
@login_required
def archive(attachment_id: int):
    attachment = services.attachment_for(current_user, attachment_id, Action.WRITE)
    form = AttachmentArchiveForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.archive_attachment(current_user, attachment)
    ):
        flash(_("附件已归档，文件仍保留备查。"), "success")
    else:
        flash_form_errors(form)
    return redirect(services.page_url(attachment))
