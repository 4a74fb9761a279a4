"""How the history names follow-up actions."""

from flask_babel import gettext as _

from crm.audit.present import Group, Record, plain, register_headline
from crm.domain import AuditAction


def follow_up_headline(record: Record, group: Group) -> str | None:
    if record.action == AuditAction.INSERT:
        return _("新增跟进：%(date)s，%(kind)s", date=plain(record.shown("followed_on")), kind=plain(record.shown("kind")))
    if record.raw("next_action_done_at") is not None and record.raw("next_action_done_at", 0) is None:
        return _("完成下一步工作")
    return None


def register_headlines() -> None:
    register_headline("follow_ups", follow_up_headline, rank=30)
