"""How the history names a project's creation (its edits read generically: "修改项目：总投资 …")."""

from flask_babel import gettext as _

from crm.audit.present import Group, Record, plain, register_headline
from crm.domain import AuditAction


def project_headline(record: Record, group: Group) -> str | None:
    if record.action == AuditAction.INSERT:
        return _("建立项目：%(name)s", name=plain(record.shown("name")))
    return None


def register_headlines() -> None:
    register_headline("projects", project_headline, rank=20)
