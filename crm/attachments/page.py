"""The documents section of the project page (registered in crm/attachments/feature.py) and of the
trip and payout pages (their views call `owner_section`)."""

from __future__ import annotations

from flask import url_for

from crm.attachments import owners
from crm.attachments.forms import AttachmentArchiveForm, AttachmentForm
from crm.attachments.services import attachments_for, attachments_of, human_size, max_bytes
from crm.core.errors import ServiceError
from crm.core.permissions import Action, can
from crm.domain import AttachmentCategory


def section_context(actor, project) -> dict:
    """What templates/attachments/_section.html needs on the project page."""
    every = attachments_for(project, include_archived=True)
    return {
        "attachments": [a for a in every if a.archived_at is None],
        "archived_attachments": [a for a in every if a.archived_at is not None],
        "attachment_form": AttachmentForm(),
        "attachment_archive_form": AttachmentArchiveForm(),
        "attachments_writable": can(actor, Action.WRITE, project.unit_id) and project.archived_at is None,
        "attachment_categories": AttachmentCategory.labels(),
        "attachment_max_size": human_size(max_bytes()),
        "attachment_upload_url": url_for("attachments.upload", project_id=project.id),
    }


def may_attach(actor, kind: str, record_id: int) -> bool:
    try:
        owners.owner(kind).check(actor, record_id, True)
    except ServiceError:
        return False
    return True


def owner_section(actor, kind: str, record, category=None) -> dict:
    """What templates/attachments/_section.html needs on a trip's or a payout's page; `category`
    preselects the form's category (a payout's documents are mostly vouchers)."""
    every = attachments_of(kind, record.id, include_archived=True)
    form = AttachmentForm()
    if category is not None and not form.is_submitted():
        form.category.data = category
    return {
        "attachments": [a for a in every if a.archived_at is None],
        "archived_attachments": [a for a in every if a.archived_at is not None],
        "attachment_form": form,
        "attachment_archive_form": AttachmentArchiveForm(),
        "attachments_writable": may_attach(actor, kind, record.id),
        "attachment_categories": AttachmentCategory.labels(),
        "attachment_max_size": human_size(max_bytes()),
        "attachment_upload_url": url_for("attachments.upload_to", kind=kind, record_id=record.id),
    }
