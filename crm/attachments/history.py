"""How the history names document actions."""

from flask_babel import gettext as _

from crm.attachments.models import Attachment
from crm.audit.present import Group, Record, plain, register_headline
from crm.domain import AuditAction


def attachment_headline(record: Record, group: Group) -> str | None:
    if record.action == AuditAction.INSERT:
        return _("上传附件：%(name)s（%(category)s）", name=plain(record.shown("filename")),
                 category=plain(record.shown("category")))
    if record.action == AuditAction.ARCHIVE:
        attachment = record.row  # the name did not change: not in the entry
        return _("归档附件：%(name)s", name=attachment.filename if attachment else "—")
    return None


def register_headlines() -> None:
    register_headline("attachments", attachment_headline, rank=30, row=Attachment)
