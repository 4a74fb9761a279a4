"""Helpers every feature's services use."""

from __future__ import annotations

from flask_babel import gettext as _

from crm.core.errors import Conflict, NotFound
from crm.core.parsing import whole_number
from crm.extensions import db


def check_version(record, sent_version) -> None:
    """Refuse an edit based on an old copy of the record (someone else saved in between)."""
    sent = whole_number(sent_version)
    if sent is None:
        raise Conflict(_("缺少记录版本号，请刷新页面后重试。"), {"version": [_("必填")]})
    if sent != record.version:
        raise Conflict(
            _("该记录已被他人修改（当前版本 %(current)s，您提交的是版本 %(sent)s），请刷新后重新编辑。",
              current=record.version, sent=sent)
        )


def get_or_404(model, ident):
    record = db.session.get(model, ident)
    if record is None:
        raise NotFound(_("记录不存在。"))
    return record
