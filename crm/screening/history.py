"""How the history names a screening's actions: computed, signed."""

from flask_babel import gettext as _

from crm.audit.present import Group, Record, plain, register_headline
from crm.domain import AuditAction


def screening_headline(record: Record, group: Group) -> str | None:
    if record.action == AuditAction.INSERT:
        return _("预审测算：得分 %(score)s，建议结论 %(verdict)s", score=plain(record.shown("score")),
                 verdict=plain(record.shown("proposed_verdict")))
    if record.raw("signed_at") is not None and record.raw("signed_at", 0) is None:
        return _("预审签批：%(verdict)s", verdict=plain(record.shown("verdict")))
    return None


def register_headlines() -> None:
    register_headline("screenings", screening_headline, rank=50)
