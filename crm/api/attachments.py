"""API endpoints for attachments: list, upload (multipart/form-data), download."""

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from crm.api import bp
from crm.api.base import ApiError, api_user, commit_after, doc, paginated
from crm.api.schemas import AttachmentSchema
from crm.attachments import services
from crm.attachments.models import Attachment
from crm.attachments.routes import download_response
from crm.core.parsing import flag
from crm.core.permissions import Action
from crm.projects.access import project_for

serialize_attachment = AttachmentSchema().dump


@bp.get("/projects/<int:project_id>/attachments")
@doc("Documents attached to a project, newest first (include_archived=1 lists archived ones too)",
     params=("page", "per_page"), statuses=(401, 404, 422), response="AttachmentPage")
def project_attachments(project_id: int):
    project = project_for(api_user(), project_id, Action.READ)
    stmt = (select(Attachment).where(Attachment.project_id == project.id)
            .order_by(Attachment.created_at.desc(), Attachment.id.desc()))
    if not flag(request.args.get("include_archived"), "include_archived", label="include_archived"):
        stmt = stmt.where(Attachment.archived_at.is_(None))
    return paginated(stmt, serialize_attachment)


@bp.post("/projects/<int:project_id>/attachments")
@doc("Attach a document to a project: multipart/form-data with `file`, `category` "
     "(contract, minutes, permit, photo, other) and optional `note`; the type is checked by content",
     statuses=(400, 401, 403, 404, 422), ok_status=201, response="Attachment")
@commit_after
def upload_attachment(project_id: int):
    project = project_for(api_user(), project_id, Action.WRITE)
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request", _("请求体必须是 multipart/form-data，文件放在 file 字段。"))
    attachment = services.store_attachment(api_user(), project, request.files.get("file"),
                                           request.form.get("category"), request.form.get("note"))
    return serialize_attachment(attachment), 201


@bp.get("/attachments/<int:attachment_id>/download")
@doc("Download an attachment's original file", statuses=(401, 404))
def download_attachment(attachment_id: int):
    attachment, path = services.open_for_download(api_user(), attachment_id)
    return download_response(attachment, path)
