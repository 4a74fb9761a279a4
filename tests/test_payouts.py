"""Incentive payouts (奖励兑现, DOMAIN §6): every state change, the caps, and every refusal changing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.extensions import db
from crm.payouts import services as payouts
from crm.payouts.models import Payout, PayoutRecipient, RewardPolicy
from crm.payouts.policies import compute_reward, create_reward_policy
from crm.pipeline import services as pipeline
from crm.pipeline.models import Contract
from tests.factories import ProjectFactory, finish_permits, gate_data, signed_screening

TODAY = local_today()
D0 = TODAY - timedelta(days=200)
TERMS = [
    {"kind": "签约奖励", "cap_wan": "50", "condition_stage": "signed", "description": "签约即兑现"},
    {"kind": "开工奖励", "cap_wan": "100", "condition_stage": "started", "description": "开工后兑现"},
    {"kind": "设备补助", "cap_wan": "500", "condition_stage": "producing", "description": "设备投资额 5%"},
    {"kind": "税收奖励", "cap_wan": "300", "condition_stage": "actual_tax", "description": "实缴税收地方留成 50%"},
]
DEMO_TIERS = [{"min_wan": "0", "fixed_wan": "2"}, {"min_wan": "10000", "fixed_wan": "20"},
              {"min_wan": "100000", "rate_percent": "0.03"}]


def walk(project, world, to_stage: str) -> None:
    """Move a project through the gates up to `to_stage`, 30 days apart, with the four terms above."""
    order = ["approved", "signed", "started", "producing"]
    when = D0
    signed_screening(project, world.leader)
    for stage in order[: order.index(to_stage) + 1]:
        if stage == "started":
            finish_permits(project, when)
        data = gate_data(stage, when, n=project.id) if stage == "signed" else gate_data(stage, when)
        if stage == "signed":
            data["incentive_terms"] = TERMS
        pipeline.apply_transition(world.staff_a, project, data)
        db.session.commit()
        when += timedelta(days=30)


def terms_of(project) -> dict:
    contract = db.session.scalar(select(Contract).where(Contract.project_id == project.id,
                                                        Contract.voided_by_id.is_(None)))
    return {t.condition_stage: t for t in contract.incentive_terms}


@pytest.fixture
def policy(world):
    policy = create_reward_policy(world.admin, {"name": "示范市招商奖励办法", "tiers": DEMO_TIERS})
    db.session.commit()
    return policy


def make_project(world, stage: str):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    walk(project, world, stage)
    return project


@pytest.fixture
def producing(world, policy):
    return make_project(world, "producing")


@pytest.fixture
def started(world, policy):
    return make_project(world, "started")


def investor(project, condition: str, amount="40", period="2026", **extra) -> dict:
    return {"kind": "investor", "term_id": terms_of(project)[condition].id, "period": period,
            "amount_wan": amount} | extra


def contributor(world, amount="20", period="开工奖励", **extra) -> dict:
    return {"kind": "contributor", "period": period, "amount_wan": amount,
            "recipients": [{"user_id": world.staff_a.id, "share": "60"}, {"unit_id": world.unit_a.id, "share": "40"}]
            } | extra


def count(model=Payout) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def request(world, project, data, actor=None) -> Payout:
    payout = payouts.request_payout(actor or world.staff_a, project, data)
    db.session.commit()
    return payout


def refused(error, call, *, field: str | None = None, contains: str = "") -> None:
    """The call is refused with `error`, naming `field` and saying `contains`; nothing is stored."""
    before = count(), count(AuditEntry)
    with pytest.raises(error) as err:
        call()
    db.session.rollback()
    assert (count(), count(AuditEntry)) == before
    if field:
        assert field in err.value.fields, err.value.fields
    assert contains in err.value.message, err.value.message


# --- the flow ------------------------------------------------------------------------------------------

def test_investor_payout_walks_applied_approved_paid_with_history(world, producing):
    payout = request(world, producing, investor(producing, "producing", "120.5"))
    assert (payout.state, payout.amount_wan, payout.unit_id) == ("applied", Decimal("120.50"), world.unit_a.id)
    payouts.approve_payout(world.leader, payout, "同意兑现", payout.version)
    db.session.commit()
    assert (payout.state, payout.decided_by_id, payout.decided_on) == ("approved", world.leader.id, TODAY)
    payouts.pay_payout(world.admin, payout, TODAY.isoformat(), "记账凭证2026-118", payout.version)
    db.session.commit()
    assert (payout.state, payout.paid_date, payout.voucher_no) == ("paid", TODAY, "记账凭证2026-118")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "payouts",
                                                          AuditEntry.record_id == payout.id)
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["insert", "update", "update"]


def test_rejection_frees_the_period_for_a_new_request(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    payouts.reject_payout(world.leader, payout, "材料不全")
    db.session.commit()
    assert payout.state == "rejected" and payout.decision_comment == "材料不全"
    again = request(world, producing, investor(producing, "producing"))
    assert again.state == "applied"


def test_an_approved_unpaid_request_may_still_be_rejected(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    payouts.approve_payout(world.leader, payout)
    payouts.reject_payout(world.leader, payout, "资金未到位，暂缓兑现")
    db.session.commit()
    assert payout.state == "rejected"


def test_a_reversal_is_a_negative_record_pointing_at_the_original(world, producing):
    payout = request(world, producing, investor(producing, "producing", "200"))
    payouts.approve_payout(world.leader, payout)
    payouts.pay_payout(world.leader, payout, TODAY, "PZ-1")
    reversal = payouts.reverse_payout(world.admin, payout, "金额录入错误")
    db.session.commit()
    assert payout.state == "reversed" and reversal.state == "reversed"
    assert (reversal.reverses_id, reversal.amount_wan, reversal.reason) == (payout.id, Decimal("-200.00"), "金额录入错误")
    # Reversed: the cap is whole again for another period.
    again = request(world, producing, investor(producing, "producing", "500", period="2027"))
    assert again.amount_wan == Decimal("500.00")


def test_a_request_may_be_edited_while_applied(world, producing):
    payout = request(world, producing, investor(producing, "producing", "100"))
    payouts.update_payout(world.staff_a, payout, {"amount_wan": "150", "period": "2026Q3"}, payout.version)
    db.session.commit()
    assert (payout.amount_wan, payout.period, payout.version) == (Decimal("150.00"), "2026Q3", 2)


def test_actual_tax_needs_a_recorded_basis(world, producing):
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, producing, investor(producing, "actual_tax")),
            field="condition_note", contains="实缴税收条件需人工核定")
    payout = request(world, producing, investor(producing, "actual_tax", condition_note="2026年度完税证明 No.3201"))
    assert payout.condition_note == "2026年度完税证明 No.3201"


# --- contributor rewards --------------------------------------------------------------------------------

def test_contributor_reward_is_computed_by_the_active_policy_and_split(world, started, policy):
    payout = request(world, started, contributor(world))
    assert payout.reward_policy_id == policy.id and payout.computed_wan == Decimal("20.00")
    assert "第 1 版" in payout.computation and "50000.00" in payout.computation
    assert [(r.name, r.share) for r in payout.recipients] == [("李晓燕", Decimal("60.00")),
                                                              ("先进制造产业招商组", Decimal("40.00"))]


def test_a_reward_may_be_lowered_with_a_reason_never_raised(world, started):
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, started, contributor(world, "10")),
            field="reduction_reason", contains="调减理由")
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, started, contributor(world, "20.01")),
            field="amount_wan", contains="尚余 20.00 万元")
    payout = request(world, started, contributor(world, "10", reduction_reason="协助引进，减半奖励"))
    assert payout.amount_wan == Decimal("10.00")


def test_a_new_policy_version_leaves_used_rewards_as_computed(world, started, policy):
    payout = request(world, started, contributor(world))
    newer = create_reward_policy(world.admin, {"name": "示范市招商奖励办法（修订）",
                                               "tiers": [{"min_wan": "0", "rate_percent": "0.1"}]})
    db.session.commit()
    db.session.refresh(policy)
    assert (newer.version, newer.active, policy.active) == (2, True, False)
    assert policy.tiers == create_tiers_as_stored()
    assert payout.reward_policy_id == policy.id and payout.computed_wan == Decimal("20.00")
    assert compute_reward(newer, Decimal("50000")).amount_wan == Decimal("50.00")


def create_tiers_as_stored():
    return [{"min_wan": "0.00", "fixed_wan": "2.00"}, {"min_wan": "10000.00", "fixed_wan": "20.00"},
            {"min_wan": "100000.00", "rate_percent": "0.0300"}]


def test_a_reward_before_groundbreaking_is_refused(world, policy):
    signed = make_project(world, "signed")
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, signed, contributor(world)),
            field="project_id", contains="开工后")


@pytest.mark.parametrize("shares, message", [
    (["70", "40"], "不能超过 100%"), (["-10", "50"], "必须大于 0"), (["0", "50"], "必须大于 0"),
])
def test_recipient_shares_are_checked(world, started, shares, message):
    data = contributor(world)
    data["recipients"] = [{"user_id": world.staff_a.id, "share": shares[0]}, {"unit_id": world.unit_a.id,
                                                                              "share": shares[1]}]
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, started, data), field="recipients",
            contains=message)


def test_a_recipient_is_one_user_or_one_unit(world, started):
    data = contributor(world, recipients=[{"user_id": world.staff_a.id, "unit_id": world.unit_a.id, "share": "50"}])
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, started, data), field="recipients",
            contains="二选一")


# --- refusals (each changes nothing) --------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0", "-5", "abc", ""])
def test_zero_negative_or_garbled_amounts_are_refused(world, producing, amount):
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, producing,
                                                             investor(producing, "producing", amount)),
            field="amount_wan")


def test_the_cap_counts_every_live_request(world, producing):
    request(world, producing, investor(producing, "producing", "300", period="2026"))
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, producing,
                                                             investor(producing, "producing", "200.01", period="2027")),
            field="amount_wan", contains="尚余 200.00 万元")
    request(world, producing, investor(producing, "producing", "200", period="2027"))


def test_the_same_term_and_period_cannot_be_requested_twice(world, producing):
    request(world, producing, investor(producing, "producing", "10"))
    refused(Conflict, lambda: payouts.request_payout(world.staff_a, producing, investor(producing, "producing", "10")),
            field="period", contains="不能重复申请")


def test_the_database_itself_refuses_a_second_live_request_for_a_term_and_period(world, producing):
    first = request(world, producing, investor(producing, "producing", "10"))
    columns = "kind, project_id, unit_id, term_id, period, amount_wan, state, applicant_id, created_at, updated_at, version"
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"INSERT INTO payouts ({columns}) SELECT {columns} FROM payouts WHERE id = :id"),
                           {"id": first.id})
    db.session.rollback()


def test_a_condition_not_met_is_refused(world, policy):
    started = make_project(world, "started")
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, started, investor(started, "producing")),
            field="term_id", contains="兑现条件未满足")
    assert request(world, started, investor(started, "started", "100")).state == "applied"


def test_a_term_of_another_project_is_refused(world, producing):
    other = make_project(world, "producing")
    data = investor(other, "producing")
    refused(ValidationFailed, lambda: payouts.request_payout(world.staff_a, producing, data), field="term_id",
            contains="不属于该项目")


def test_staff_of_another_unit_and_viewers_may_not_request(world, producing):
    refused(PermissionDenied, lambda: payouts.request_payout(world.staff_b, producing, investor(producing, "producing")))
    refused(PermissionDenied, lambda: payouts.request_payout(world.viewer, producing, investor(producing, "producing")))


def test_paying_an_unapproved_record_is_refused(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    refused(ValidationFailed, lambda: payouts.pay_payout(world.leader, payout, TODAY, "PZ-1"), contains="尚未审批")
    assert payout.state == "applied"


def test_approving_ones_own_request_is_refused(world, producing):
    payout = request(world, producing, investor(producing, "producing"), actor=world.leader)
    refused(PermissionDenied, lambda: payouts.approve_payout(world.leader, payout), contains="不能审批本人")
    assert payout.state == "applied"


def test_only_leaders_approve_and_staff_cannot_pay(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    refused(PermissionDenied, lambda: payouts.approve_payout(world.head_a, payout))
    refused(PermissionDenied, lambda: payouts.approve_payout(world.admin, payout))
    payouts.approve_payout(world.leader, payout)
    db.session.commit()
    refused(PermissionDenied, lambda: payouts.pay_payout(world.staff_a, payout, TODAY, "PZ-1"))


def _paid(world, project) -> Payout:
    payout = request(world, project, investor(project, "producing", "100"))
    payouts.approve_payout(world.leader, payout)
    payouts.pay_payout(world.leader, payout, TODAY, "PZ-1")
    db.session.commit()
    return payout


def test_a_paid_record_cannot_be_edited_or_paid_again(world, producing):
    payout = _paid(world, producing)
    refused(Conflict, lambda: payouts.update_payout(world.staff_a, payout, {"amount_wan": "1"}, payout.version),
            contains="只有待审批的申请可以修改")
    refused(Conflict, lambda: payouts.pay_payout(world.leader, payout, TODAY, "PZ-2"), contains="已支付")
    refused(Conflict, lambda: payouts.approve_payout(world.leader, payout), contains="不能执行此操作")
    assert (payout.amount_wan, payout.voucher_no) == (Decimal("100.00"), "PZ-1")


def test_reversing_twice_is_refused(world, producing):
    payout = _paid(world, producing)
    reversal = payouts.reverse_payout(world.leader, payout, "重复支付")
    db.session.commit()
    refused(Conflict, lambda: payouts.reverse_payout(world.leader, payout, "再次冲销"), contains="已冲销")
    refused(Conflict, lambda: payouts.reverse_payout(world.leader, reversal, "冲销冲销记录"), contains="已冲销")


def test_a_reversal_needs_a_reason(world, producing):
    payout = _paid(world, producing)
    refused(ValidationFailed, lambda: payouts.reverse_payout(world.leader, payout, "  "), field="reason")


@pytest.mark.parametrize("when, message", [(TODAY + timedelta(days=1), "不能晚于"),
                                           (TODAY - timedelta(days=1), "不能早于审批日期")])
def test_a_payment_date_in_the_future_or_before_approval_is_refused(world, producing, when, message):
    payout = request(world, producing, investor(producing, "producing"))
    payouts.approve_payout(world.leader, payout)
    db.session.commit()
    refused(ValidationFailed, lambda: payouts.pay_payout(world.leader, payout, when.isoformat(), "PZ-1"),
            field="paid_date", contains=message)
    assert payout.state == "approved"


def test_a_stale_version_is_refused(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    refused(Conflict, lambda: payouts.approve_payout(world.leader, payout, None, version=99), contains="已被他人修改")


def test_a_payment_date_before_1990_is_refused(world, producing):
    payout = request(world, producing, investor(producing, "producing"))
    payouts.approve_payout(world.leader, payout, today=date(1989, 1, 1))
    db.session.commit()
    refused(ValidationFailed, lambda: payouts.pay_payout(world.leader, payout, "1989-06-01", "PZ-1"), field="paid_date")


def test_reward_policy_tiers_are_checked(world):
    for tiers in ([], [{"min_wan": "0"}], [{"min_wan": "0", "fixed_wan": "1", "rate_percent": "1"}],
                  [{"min_wan": "0", "fixed_wan": "1"}, {"min_wan": "0", "fixed_wan": "2"}]):
        with pytest.raises(ValidationFailed):
            create_reward_policy(world.admin, {"name": "错误标准", "tiers": tiers})
        db.session.rollback()
    with pytest.raises(PermissionDenied):
        create_reward_policy(world.leader, {"name": "标准", "tiers": DEMO_TIERS})
    db.session.rollback()
    assert count(RewardPolicy) == 0 and count(PayoutRecipient) == 0
