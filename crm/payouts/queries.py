"""The payout ledger: filters, the totals of the filtered rows (in SQL), and the leaders' waiting lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from crm.core import parsing as p
from crm.core.dates import local_date
from crm.core.permissions import scope
from crm.domain import IncentiveCondition, PayoutKind, PayoutState, Stage, Status, TransitionKind
from crm.extensions import db
from crm.payouts import rules
from crm.payouts.models import Payout, PayoutRecipient
from crm.pipeline.models import Contract, IncentiveTerm, Transition
from crm.projects.models import Project

FILTERS = ("kind", "project_id", "recipient_id", "unit_id", "state", "period")


def clean_filters(args) -> dict:
    """The ledger's filters from a query string or JSON; each refused with a 422 naming it."""
    return {
        "kind": p.choice(args.get("kind"), "kind", PayoutKind.codes(), label=_("兑现类型"), required=False),
        "state": p.choice(args.get("state"), "state", PayoutState.codes(), label=_("状态"), required=False),
        "project_id": p.ref_id(args.get("project_id"), "project_id", label=_("项目")),
        "unit_id": p.ref_id(args.get("unit_id"), "unit_id", label=_("责任单位")),
        "recipient_id": p.ref_id(args.get("recipient_id"), "recipient_id", label=_("获奖人员")),
        "period": p.text(args.get("period"), "period", max_length=50, label=_("兑现期间/节点")),
    }


def _filtered(stmt, user, f: dict):
    stmt = scope(stmt, user, Payout.unit_id)
    if f.get("kind"):
        stmt = stmt.where(Payout.kind == f["kind"])
    if f.get("state"):
        stmt = stmt.where(Payout.state == f["state"])
    if f.get("project_id"):
        stmt = stmt.where(Payout.project_id == f["project_id"])
    if f.get("unit_id"):
        stmt = stmt.where(Payout.unit_id == f["unit_id"])
    if f.get("period"):
        stmt = stmt.where(Payout.period == f["period"])
    if f.get("project_ids") is not None:  # a select() of project ids (a report's scope); never from a query string
        stmt = stmt.where(Payout.project_id.in_(f["project_ids"]))
    if f.get("recipient_id"):
        credited = select(PayoutRecipient.payout_id).where(PayoutRecipient.user_id == f["recipient_id"])
        stmt = stmt.where(or_(Payout.id.in_(credited), Payout.reverses_id.in_(credited)))
    return stmt


def ledger_stmt(user, f: dict):
    return (_filtered(select(Payout), user, f)
            .options(selectinload(Payout.project), selectinload(Payout.unit), selectinload(Payout.term),
                     selectinload(Payout.recipients).selectinload(PayoutRecipient.user),
                     selectinload(Payout.recipients).selectinload(PayoutRecipient.unit),
                     selectinload(Payout.reward_policy), selectinload(Payout.reversed_by))
            .order_by(Payout.id.desc()))


@dataclass
class Totals:
    count: int
    amount_wan: Decimal
    by_state: dict  # state → amount


def ledger_totals(user, f: dict) -> Totals:
    """The sum of the filtered rows, computed by the database over the same filtered query."""
    rows = db.session.execute(_filtered(select(Payout.state, func.count(), func.coalesce(func.sum(Payout.amount_wan), 0))
                                        .group_by(Payout.state), user, f)).all()
    by_state = {PayoutState(state): Decimal(total).quantize(Decimal("0.01")) for state, _n, total in rows}
    return Totals(sum(n for _s, n, _t in rows), sum(by_state.values(), Decimal("0.00")), by_state)


@dataclass
class TermPanel:
    term: IncentiveTerm
    paid: Decimal
    requested: Decimal  # live but not yet paid
    remaining: Decimal
    met: bool


def incentive_panel(project: Project) -> list[TermPanel]:
    """The project's live incentive terms: promised cap, paid, requested, remaining, condition met."""
    terms = db.session.scalars(select(IncentiveTerm).join(Contract, Contract.id == IncentiveTerm.contract_id)
                               .where(IncentiveTerm.project_id == project.id, Contract.voided_by_id.is_(None))
                               .order_by(IncentiveTerm.id)).all()
    if not terms:
        return []
    # Paid, and live (what counts against the cap: rules.is_live), per term in one pass.
    sums = {term_id: (paid, live) for term_id, paid, live in db.session.execute(
        select(Payout.term_id,
               func.sum(case((Payout.state.in_((PayoutState.PAID, PayoutState.REVERSED)), Payout.amount_wan), else_=0)),
               func.sum(case((rules.is_live(), Payout.amount_wan), else_=0)))
        .where(Payout.project_id == project.id, Payout.term_id.is_not(None)).group_by(Payout.term_id))}
    panel = []
    for term in terms:
        paid_sum, live_sum = sums.get(term.id, (0, 0))
        paid = Decimal(paid_sum or 0).quantize(Decimal("0.01"))
        live = Decimal(live_sum or 0).quantize(Decimal("0.01"))
        met = rules.stage_reached(project, rules.CONDITION_STAGE[IncentiveCondition(term.condition_stage)])
        panel.append(TermPanel(term, paid, live - paid, term.cap_wan - live, met))
    return panel


@dataclass
class Waiting:
    project: Project
    what: str  # the term's kind, or the contributor reward
    since: date | None
    days: int | None
    payout: Payout | None = None
    term: IncentiveTerm | None = None


def _entered(project_ids, stage: Stage) -> dict:
    """When each project entered `stage` (its latest advance into it)."""
    return dict(db.session.execute(
        select(Transition.project_id, func.max(Transition.effective_date))
        .where(Transition.project_id.in_(project_ids), Transition.to_stage == stage,
               Transition.kind == TransitionKind.ADVANCE).group_by(Transition.project_id)).all())


def eligible_not_requested(user, today: date) -> list[Waiting]:
    """Terms whose condition is met (and projects that started) with no live request yet, longest waiting first."""
    requested_terms = select(Payout.term_id).where(rules.is_live(), Payout.term_id.is_not(None))
    pairs = db.session.execute(scope(
        select(IncentiveTerm, Project).join(Contract, Contract.id == IncentiveTerm.contract_id)
        .join(Project, Project.id == IncentiveTerm.project_id)
        .where(Contract.voided_by_id.is_(None), IncentiveTerm.id.not_in(requested_terms),
               Project.status != Status.DROPPED, Project.archived_at.is_(None)), user, Project.unit_id)).all()
    rewarded = select(Payout.project_id).where(rules.is_live(),
                                               Payout.kind == PayoutKind.CONTRIBUTOR)
    started = db.session.scalars(scope(
        select(Project).where(Project.stage.in_((Stage.STARTED, Stage.PRODUCING)), Project.id.not_in(rewarded),
                              Project.status != Status.DROPPED, Project.archived_at.is_(None)),
        user, Project.unit_id)).all()
    items = []
    for stage in Stage:
        wanted = [(t, pr) for t, pr in pairs
                  if rules.CONDITION_STAGE[IncentiveCondition(t.condition_stage)] is stage and rules.stage_reached(pr, stage)]
        reward = [pr for pr in started if stage is rules.REWARD_STAGE]
        dates = _entered({pr.id for _t, pr in wanted} | {pr.id for pr in reward}, stage)
        items += [Waiting(pr, t.kind, dates.get(pr.id), _days(dates.get(pr.id), today), term=t) for t, pr in wanted]
        items += [Waiting(pr, _("招商奖励"), dates.get(pr.id), _days(dates.get(pr.id), today)) for pr in reward]
    return sorted(items, key=lambda w: (w.since or today, w.project.id))


def approved_not_paid(user, today: date) -> list[Waiting]:
    payouts = db.session.scalars(ledger_stmt(user, {"state": PayoutState.APPROVED}).order_by(None)
                                 .order_by(Payout.decided_on, Payout.id)).all()
    return [Waiting(o.project, o.term.kind if o.term else _("招商奖励"), o.decided_on, _days(o.decided_on, today),
                    payout=o) for o in payouts]


@dataclass
class PeriodSummary:
    """Payouts for a report: paid in the period, and what waits today (applied; approved, not paid)."""
    paid_count: int
    paid_wan: Decimal
    applied: Totals  # awaiting approval
    approved: Totals  # approved, not yet paid
    applied_oldest_days: int | None
    approved_waiting: list[Waiting]  # longest waiting first


def period_summary(user, start: date, end: date, today: date, project_ids=None, rows: int = 10) -> PeriodSummary:
    """Four bounded queries whatever the number of payouts; `project_ids` narrows to a report's projects."""
    f = {"project_ids": project_ids}
    paid = db.session.execute(_filtered(  # payments that stand (a reversed one and its reversal are not counted)
        select(func.count(Payout.id), func.coalesce(func.sum(Payout.amount_wan), 0))
        .where(Payout.paid_date >= start, Payout.paid_date <= end), user, f | {"state": PayoutState.PAID})).one()
    waiting = {state: ledger_totals(user, f | {"state": state}) for state in (PayoutState.APPLIED, PayoutState.APPROVED)}
    first_applied = db.session.scalar(_filtered(select(func.min(Payout.created_at)), user,
                                                f | {"state": PayoutState.APPLIED}))
    approved = db.session.scalars(ledger_stmt(user, f | {"state": PayoutState.APPROVED}).order_by(None)
                                  .order_by(Payout.decided_on, Payout.id).limit(rows)).all()
    return PeriodSummary(
        paid[0], Decimal(paid[1]).quantize(Decimal("0.01")), waiting[PayoutState.APPLIED],
        waiting[PayoutState.APPROVED], _days(local_date(first_applied), today) if first_applied else None,
        [Waiting(o.project, o.term.kind if o.term else _("招商奖励"), o.decided_on, _days(o.decided_on, today),
                 payout=o) for o in approved])


def _days(since: date | None, today: date) -> int | None:
    return (today - since).days if since else None
