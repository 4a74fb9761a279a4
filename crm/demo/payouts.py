"""Demo payouts (奖励兑现, DOMAIN §6) through the payouts' own services: investor incentives applied,
approved, paid and rejected, a contributor reward with its shares, and a reversal, on the demo
city's started projects (those of 先进制造产业招商组 first, so staff_a and head_a see them too)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from crm.audit.services import start_batch
from crm.auth.models import User
from crm.core.dates import local_today
from crm.domain import IncentiveCondition, PayoutKind, PayoutState, Stage, Status
from crm.extensions import db
from crm.payouts import services
from crm.payouts.models import Payout
from crm.payouts.policies import active_policy, compute_reward
from crm.pipeline.models import Contract
from crm.projects.models import Project

CENT = Decimal("0.01")
# (what happens to the investor request, its period)
INVESTOR = ((PayoutState.APPLIED, "2025年度"), (PayoutState.APPROVED, "2024年度"), (PayoutState.PAID, "2023年度"),
            (PayoutState.REJECTED, "2025年上半年"), (PayoutState.REVERSED, "2022年度"))  # distinct periods: one project may carry them all


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _contract(project: Project) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.project_id == project.id, Contract.voided_by_id.is_(None)))


def _started_projects() -> list[Project]:
    """Active started or producing projects with a live contract: unit A's if it has any (so that
    staff_a and head_a see every state), else any unit's."""
    rows = db.session.scalars(select(Project).where(Project.stage.in_((Stage.STARTED, Stage.PRODUCING)),
                                                    Project.status == Status.ACTIVE, Project.archived_at.is_(None))
                              .order_by(Project.id))
    started = [p for p in rows if _contract(p) is not None]
    home = _user("staff_a").unit_id
    return [p for p in started if p.unit_id == home] or started


def _applicant(project: Project) -> User:
    owner = db.session.get(User, project.owner_id) if project.owner_id else None
    return owner if owner is not None and owner.unit_id == project.unit_id else _user("staff_a")


def _decide(payout: Payout, outcome: PayoutState, today: date) -> None:
    leader, treasurer = _user("leader"), _user("leader_zhou")
    if outcome == PayoutState.APPLIED:
        return
    start_batch()
    if outcome == PayoutState.REJECTED:
        services.reject_payout(leader, payout, "核定材料不全，请补充实缴税款证明后重新申请", payout.version,
                               today=today - timedelta(days=5))
        return
    services.approve_payout(leader, payout, "同意兑现", payout.version, today=today - timedelta(days=24))
    if outcome == PayoutState.APPROVED:
        return
    start_batch()
    services.pay_payout(treasurer, payout, (today - timedelta(days=10)).isoformat(),
                        f"记账凭证{today.year}-{payout.id:04d}", payout.version, today=today)
    if outcome == PayoutState.REVERSED:
        start_batch()
        services.reverse_payout(treasurer, payout, "重复计算设备投资额，全额冲回后按核定额重新申请", payout.version,
                                today=today)


def _investor(project: Project, outcome: PayoutState, period: str, today: date) -> Payout | None:
    term = next((t for t in _contract(project).incentive_terms if t.condition_stage == IncentiveCondition.STARTED), None)
    if term is None:
        return None
    start_batch()
    payout = services.request_payout(_applicant(project), project, {
        "kind": PayoutKind.INVESTOR, "term_id": term.id, "period": period,
        "amount_wan": max((term.cap_wan * Decimal("0.15")).quantize(CENT), CENT),
        "note": "按合同约定的设备投资补助申请兑现"})
    _decide(payout, outcome, today)
    return payout


def _contributor(project: Project, today: date) -> Payout | None:
    policy = active_policy()
    reward = compute_reward(policy, _contract(project).contract_investment_wan) if policy else None
    if reward is None:
        return None
    applicant = _applicant(project)
    start_batch()
    payout = services.request_payout(applicant, project, {
        "kind": PayoutKind.CONTRIBUTOR, "period": "开工奖励", "amount_wan": reward.amount_wan,
        "recipients": [{"user_id": applicant.id, "share": "60"}, {"unit_id": project.unit_id, "share": "40"}],
        "note": "项目开工，按招商奖励办法申请"})
    _decide(payout, PayoutState.PAID, today)
    return payout


def load_payouts(today: date | None = None) -> list[Payout]:
    """Each investor request on its own project where there are enough (cycling otherwise, with its
    own period), and one contributor reward; nothing when no project has started yet."""
    today = today or local_today()
    projects = _started_projects()
    if not projects:
        return []
    made = [_investor(projects[i % len(projects)], outcome, period, today)
            for i, (outcome, period) in enumerate(INVESTOR)]
    made.append(_contributor(projects[len(INVESTOR) % len(projects)], today))
    return [p for p in made if p is not None]
