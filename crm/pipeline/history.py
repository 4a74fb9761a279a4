"""How the history names the pipeline's actions: a move with its gate record, a permit done."""

from flask_babel import gettext as _

from crm.audit.present import Group, Record, plain, register_headline
from crm.domain import AuditAction, PermitKind, Stage, TransitionKind
from crm.pipeline.models import Permit


def _gate_value(group: Group, record_type: str, key: str) -> str:
    records = group.of(record_type)
    return plain(records[0].shown(key)) if records else "—"


def _advance(record: Record, group: Group) -> str:
    stage = record.raw("to_stage")
    if stage == Stage.APPROVED:
        return _("记录过会：%(meeting)s，纪要 %(minutes)s", meeting=_gate_value(group, "meeting_approvals", "meeting_name"),
                 minutes=_gate_value(group, "meeting_approvals", "minutes_no"))
    if stage == Stage.SIGNED:
        return _("记录签约：合同 %(no)s，合同投资额 %(amount)s", no=_gate_value(group, "contracts", "contract_no"),
                 amount=_gate_value(group, "contracts", "contract_investment_wan"))
    if stage == Stage.STARTED:
        return _("记录开工：%(date)s", date=plain(record.shown("effective_date")))
    if stage == Stage.PRODUCING:
        return _("记录投产：%(date)s", date=plain(record.shown("effective_date")))
    return _("推进到%(stage)s", stage=plain(record.shown("to_stage")))


def transition_headline(record: Record, group: Group) -> str | None:
    if record.action != AuditAction.INSERT:
        return None
    kind = record.raw("kind")
    if kind == TransitionKind.ADVANCE:
        return _advance(record, group)
    if kind == TransitionKind.HOLD:
        return _("暂缓（%(reason)s）", reason=plain(record.shown("note")))
    if kind == TransitionKind.RESUME:
        return _("恢复推进")
    if kind == TransitionKind.DROP:
        return _("终止（%(reason)s）", reason=plain(record.shown("reason")))
    return _("管理员更正（%(reason)s）：退回%(stage)s", reason=plain(record.shown("reason")),
             stage=plain(record.shown("to_stage")))


def permit_headline(record: Record, group: Group) -> str | None:
    if record.action != AuditAction.UPDATE or "done_date" not in record.entry.changes:
        return None
    permit = record.row  # the kind did not change: not in the entry
    kind = PermitKind(permit.kind).title if permit is not None else ""
    if record.raw("done_date", 0) is None:
        return _("登记审批手续办结：%(kind)s，%(date)s", kind=_(kind), date=plain(record.shown("done_date")))
    return _("更正审批手续办结日期（%(reason)s）：%(kind)s，%(before)s → %(after)s",
             reason=plain(record.shown("correction_reason")), kind=_(kind),
             before=plain(record.shown("done_date", 0)), after=plain(record.shown("done_date")))


def register_headlines() -> None:
    register_headline("project_transitions", transition_headline, rank=100)
    register_headline("permits", permit_headline, rank=40, row=Permit)
