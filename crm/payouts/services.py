"""Incentive payouts (奖励兑现, DOMAIN §6): one function per state change.

applied → approved (a leader, not the applicant) → paid (payment date, voucher number), or
rejected; a paid record is final, corrected by a reversing record. Services check permissions and
input, change objects and flush; the request commits. Refusals: ValidationFailed (422) naming the
field, PermissionDenied (403), Conflict (409: stale version, a step already taken, a duplicate).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.auth.models import User
from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.permissions import Action, require
from crm.core.services import check_version
from crm.domain import PayoutKind, PayoutState, Status
from crm.extensions import db
from crm.payouts import rules
from crm.payouts.models import Payout, PayoutRecipient
from crm.payouts.policies import active_policy, compute_reward
from crm.pipeline.models import Contract
from crm.projects.access import require_active_record
from crm.projects.models import Project

EDITABLE = ("period", "amount_wan", "note", "condition_note", "reduction_reason", "recipients")


def _text(data: dict, name: str, label: str, *, max_length: int = 500, required: bool = False,
          multiline: bool = False):
    return p.text(data.get(name), name, max_length=max_length, required=required, label=label, multiline=multiline)


def _period(data: dict) -> str:
    return _text(data, "period", _("兑现期间/节点"), max_length=50, required=True)


def _require_requester(actor: User, project: Project) -> None:
    require(actor, Action.WRITE, project.unit_id)
    require_active_record(project)
    if project.status == Status.DROPPED:
        rules.refuse("project_id", _("项目已终止，不能申请兑现。"))


def _live_contract(project: Project) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.project_id == project.id,
                                                    Contract.voided_by_id.is_(None)))


def _apply_investor(payout: Payout, project: Project, data: dict) -> None:
    term = rules.locked_term(project, data.get("term_id"))
    payout.term = term
    payout.condition_note = _text(data, "condition_note", _("条件核定依据"))
    rules.check_condition(project, term, payout.condition_note)
    rules.check_amount_within(payout.amount_wan, term.cap_wan, rules.term_paid_out(term.id, payout.id),
                              _("条款上限"))


def _apply_contributor(payout: Payout, project: Project, data: dict) -> None:
    if not rules.stage_reached(project, rules.REWARD_STAGE):
        rules.refuse("project_id", _("招商奖励须在项目开工后申请（只有项目落地开工，才是招引的成果）。"))
    contract = _live_contract(project)
    if payout.reward_policy is None:  # computed once, when requested; an edit keeps the version used
        policy = active_policy()
        reward = compute_reward(policy, contract.contract_investment_wan) if policy and contract else None
        if reward is None:
            rules.refuse("project_id", _("没有适用的招商奖励标准（请管理员设置奖励标准）。"))
        payout.reward_policy, payout.computed_wan, payout.computation = policy, reward.amount_wan, reward.computation
    rules.lock_project(project)
    already = rules.reward_paid_out(project.id, payout.id)
    rules.check_amount_within(payout.amount_wan, payout.computed_wan, already, _("测算奖励"))
    payout.reduction_reason = _text(data, "reduction_reason", _("调减理由"))
    if payout.amount_wan < payout.computed_wan - already and not payout.reduction_reason:
        rules.refuse("reduction_reason", _("金额低于测算金额（尚余 %(rest)s 万元）时，请填写调减理由。",
                                           rest=payout.computed_wan - already))
    payout.recipients = [PayoutRecipient(**r) for r in rules.recipients(data.get("recipients"))]


def _apply(payout: Payout, project: Project, data: dict) -> None:
    payout.period = _period(data)
    payout.note = _text(data, "note", _("申请说明"), max_length=2000, multiline=True)
    if payout.kind == PayoutKind.INVESTOR:
        _apply_investor(payout, project, data)
    else:
        _apply_contributor(payout, project, data)


def _flush_unique(payout: Payout) -> None:
    """The partial unique indexes are the last word on "same term and period": a racing request that
    passed the checks above is refused here rather than with a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("该条款（或项目奖励）的“%(period)s”已有兑现申请，不能重复申请。", period=payout.period),
                       {"period": [_("已有兑现申请。")]}) from None


def request_payout(actor: User, project: Project, data: dict) -> Payout:
    _require_requester(actor, project)
    kind = p.choice(data.get("kind"), "kind", PayoutKind.codes(), label=_("兑现类型"))
    payout = Payout(kind=PayoutKind(kind), project_id=project.id, unit_id=project.unit_id, applicant_id=actor.id,
                    state=PayoutState.APPLIED)
    payout.amount_wan = rules.amount(data.get("amount_wan"))
    _apply(payout, project, data)
    db.session.add(payout)
    _flush_unique(payout)
    return payout


def update_payout(actor: User, payout: Payout, data: dict, version) -> Payout:
    """Change a request while it is still applied; keys absent from `data` keep their value."""
    project = db.session.get(Project, payout.project_id)
    _require_requester(actor, project)
    check_version(payout, version)
    if payout.state != PayoutState.APPLIED:
        raise Conflict(_("该记录已%(state)s，只有待审批的申请可以修改。", state=PayoutState(payout.state).title))
    merged = {"period": payout.period, "amount_wan": payout.amount_wan, "note": payout.note,
              "condition_note": payout.condition_note, "reduction_reason": payout.reduction_reason,
              "term_id": payout.term_id,
              "recipients": [{"user_id": r.user_id, "unit_id": r.unit_id, "share": r.share} for r in payout.recipients]}
    merged |= {k: data[k] for k in EDITABLE if k in data}
    with db.session.no_autoflush:  # the unique indexes speak at _flush_unique, not in a query's autoflush
        payout.amount_wan = rules.amount(merged["amount_wan"])
        _apply(payout, project, merged)
    _flush_unique(payout)
    return payout


def _check_step(payout: Payout, version, expected: PayoutState) -> None:
    if version is not None:
        check_version(payout, version)
    if payout.reverses_id is not None:
        raise Conflict(_("冲销记录是最终记录，不能再办理。"))
    if payout.state != expected:
        raise Conflict(_("该记录当前状态为“%(state)s”，不能执行此操作。", state=PayoutState(payout.state).title))


def approve_payout(actor: User, payout: Payout, comment=None, version=None, *, today: date | None = None) -> Payout:
    require(actor, Action.APPROVE_PAYOUT)
    _check_step(payout, version, PayoutState.APPLIED)
    if payout.applicant_id == actor.id:
        raise PermissionDenied(_("不能审批本人提交的申请，请由其他领导审批。"))
    if payout.kind == PayoutKind.INVESTOR:  # the project may have been corrected back since the request
        project = db.session.get(Project, payout.project_id)
        rules.check_condition(project, payout.term, payout.condition_note)
    payout.decision_comment = p.text(comment, "comment", max_length=500, label=_("审批意见"))
    payout.state, payout.decided_by_id, payout.decided_on = PayoutState.APPROVED, actor.id, today or local_today()
    db.session.flush()
    return payout


def reject_payout(actor: User, payout: Payout, comment, version=None, *, today: date | None = None) -> Payout:
    require(actor, Action.APPROVE_PAYOUT)
    if payout.state == PayoutState.APPROVED and payout.reverses_id is None:
        expected = PayoutState.APPROVED  # approved but not paid may still be withdrawn
    else:
        expected = PayoutState.APPLIED
    _check_step(payout, version, expected)
    payout.decision_comment = p.text(comment, "comment", max_length=500, required=True, label=_("驳回理由"))
    payout.state, payout.decided_by_id, payout.decided_on = PayoutState.REJECTED, actor.id, today or local_today()
    db.session.flush()
    return payout


def pay_payout(actor: User, payout: Payout, paid_date, voucher_no, version=None, *,
               today: date | None = None) -> Payout:
    require(actor, Action.PAY_PAYOUT)
    if payout.state == PayoutState.APPLIED:
        raise ValidationFailed(_("该申请尚未审批，不能登记支付。"), {"state": [_("尚未审批。")]})
    if payout.state in (PayoutState.PAID, PayoutState.REVERSED):
        raise Conflict(_("该记录已支付，支付记录是最终记录；如需更正请冲销。"))
    _check_step(payout, version, PayoutState.APPROVED)
    today = today or local_today()
    paid = p.a_date(paid_date, "paid_date", label=_("支付日期"), required=True, not_after=today)
    if paid < payout.decided_on:
        rules.refuse("paid_date", _("支付日期不能早于审批日期（%(date)s）。", date=payout.decided_on.isoformat()))
    payout.voucher_no = p.text(voucher_no, "voucher_no", max_length=100, required=True, label=_("凭证号"))
    payout.state, payout.paid_date, payout.paid_by_id = PayoutState.PAID, paid, actor.id
    db.session.flush()
    return payout


def reverse_payout(actor: User, payout: Payout, reason, version=None, *, today: date | None = None) -> Payout:
    """A paid record is never edited: a new negative record points at it, and it becomes `reversed`."""
    require(actor, Action.PAY_PAYOUT)
    if payout.state == PayoutState.REVERSED:
        raise Conflict(_("该记录已冲销，不能重复冲销。"))
    if payout.state != PayoutState.PAID:
        raise ValidationFailed(_("只有已支付的记录可以冲销；未支付的申请请驳回。"), {"state": [_("尚未支付。")]})
    _check_step(payout, version, PayoutState.PAID)
    why = p.text(reason, "reason", max_length=500, required=True, label=_("冲销理由"))
    reversal = Payout(kind=payout.kind, project_id=payout.project_id, unit_id=payout.unit_id, term_id=payout.term_id,
                      period=payout.period, amount_wan=-payout.amount_wan, state=PayoutState.REVERSED,
                      reward_policy_id=payout.reward_policy_id, computed_wan=payout.computed_wan,
                      computation=payout.computation, applicant_id=actor.id, decided_by_id=actor.id,
                      decided_on=today or local_today(), paid_by_id=actor.id, paid_date=today or local_today(),
                      reverses_id=payout.id, reason=why)
    payout.state = PayoutState.REVERSED
    db.session.add(reversal)
    db.session.flush()
    return reversal
