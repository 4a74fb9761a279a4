"""The documents section of the project page (registered in crm/attachments/feature.py)."""

from __future__ import annotations

from crm.attachments.forms import AttachmentArchiveForm, AttachmentForm
from crm.attachments.services import attachments_for, human_size, max_bytes
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
    }
