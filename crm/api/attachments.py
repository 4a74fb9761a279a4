"""API endpoints for attachments of projects, trips and payouts: list, upload (multipart/form-data),
download. The same services as the screens; the owner's check decides who may see and attach."""

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from crm.api import bp
from crm.api.base import ApiError, api_user, commit_after, doc, paginated
from crm.api.schemas import AttachmentSchema
from crm.attachments import owners, services
from crm.attachments.models import Attachment
from crm.attachments.routes import download_response
from crm.core.parsing import flag
from crm.core.permissions import Action
from crm.domain import AttachmentCategory
from crm.projects.access import project_for

serialize_attachment = AttachmentSchema().dump
CATEGORIES_TEXT = "(" + ", ".join(AttachmentCategory.codes()) + ")"


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
     + CATEGORIES_TEXT + " and optional `note`; the type is checked by content",
     statuses=(400, 401, 403, 404, 422), ok_status=201, response="Attachment")
@commit_after
def upload_attachment(project_id: int):
    project = project_for(api_user(), project_id, Action.WRITE)
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request", _("请求体必须是 multipart/form-data，文件放在 file 字段。"))
    attachment = services.store_attachment(api_user(), project, request.files.get("file"),
                                           request.form.get("category"), request.form.get("note"))
    return serialize_attachment(attachment), 201


def _owner_list(kind: str, record_id: int):
    owners.owner(kind).check(api_user(), record_id, False)
    include = flag(request.args.get("include_archived"), "include_archived", label="include_archived")
    return paginated(services.attachments_stmt(kind, record_id, include_archived=bool(include)), serialize_attachment)


def _owner_upload(kind: str, record_id: int):
    owners.owner(kind).check(api_user(), record_id, False)  # 404 first for a record the caller may not see
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request", _("请求体必须是 multipart/form-data，文件放在 file 字段。"))
    attachment = services.attach(api_user(), kind, record_id, request.files.get("file"),
                                 request.form.get("category"), request.form.get("note"))
    return serialize_attachment(attachment), 201


@bp.get("/trips/<int:trip_id>/attachments")
@doc("Documents attached to a trip (photos, meeting notes), newest first (include_archived=1 lists "
     "archived ones too); anyone who may see the trip", params=("page", "per_page"), statuses=(401, 404, 422),
     response="AttachmentPage")
def trip_attachments(trip_id: int):
    return _owner_list("trips", trip_id)


@bp.post("/trips/<int:trip_id>/attachments")
@doc("Attach a document to a trip: multipart/form-data with `file`, `category` " + CATEGORIES_TEXT + " and "
     "optional `note`; a traveller or the unit's people, before or with the report (409 once reported "
     "or cancelled)", statuses=(400, 401, 403, 404, 409, 422), ok_status=201, response="Attachment")
@commit_after
def upload_trip_attachment(trip_id: int):
    return _owner_upload("trips", trip_id)


@bp.get("/payouts/<int:payout_id>/attachments")
@doc("Documents attached to a payout (approval forms, vouchers), newest first (include_archived=1 lists "
     "archived ones too); anyone who may see the payout", params=("page", "per_page"), statuses=(401, 404, 422),
     response="AttachmentPage")
def payout_attachments(payout_id: int):
    return _owner_list("payouts", payout_id)


@bp.post("/payouts/<int:payout_id>/attachments")
@doc("Attach a document to a payout: multipart/form-data with `file`, `category` " + CATEGORIES_TEXT + " and "
     "optional `note`; who may act on the payout (its unit's people, the leaders who approve or pay it)",
     statuses=(400, 401, 403, 404, 422), ok_status=201, response="Attachment")
@commit_after
def upload_payout_attachment(payout_id: int):
    return _owner_upload("payouts", payout_id)


@bp.get("/attachments/<int:attachment_id>/download")
@doc("Download an attachment's original file", statuses=(401, 404))
def download_attachment(attachment_id: int):
    attachment, path = services.open_for_download(api_user(), attachment_id)
    return download_response(attachment, path)
