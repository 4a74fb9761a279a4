"""Stages and gates (DOMAIN.md §2): each move checked, each refusal explained, nothing half-stored."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.core.dates import local_today
from crm.core.errors import GateNotMet, PermissionDenied, ValidationFailed
from crm.domain import EnergyTier
from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.pipeline.models import Contract, IncentiveTerm, MeetingApproval, Permit, Transition
from crm.pipeline.permits import permits_of
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, finish_permits, gate_data, signed_screening

D0 = date.today() - timedelta(days=300)


@pytest.fixture
def project(world):
    seed_default_lists()
    db.session.commit()
    return ProjectFactory(unit=world.unit_a, owner=world.staff_a)


def walk(project, actor, leader, to_stage, start=D0):
    """Move a project through every gate up to `to_stage`, 30 days apart."""
    order = ["approved", "signed", "started", "producing"]
    when = start
    for stage in order[: order.index(to_stage) + 1]:
        if stage == "approved":
            signed_screening(project, leader)
        if stage == "started":
            finish_permits(project, when)
        pipeline.apply_transition(actor, project, gate_data(stage, when))
        db.session.commit()
        when += timedelta(days=30)
    return when


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("stage", ["approved", "signed", "started", "producing"])
def test_full_gates_move_the_project(world, project, stage):
    walk(project, world.staff_a, world.leader, stage)
    assert project.stage == stage and project.status == "active"
    moves = [(t.from_stage, t.to_stage) for t in pipeline.transitions_of(project)]
    stages = ["talks", "approved", "signed", "started", "producing"]
    assert moves == list(zip(stages, stages[1:], strict=False))[: stages.index(stage)]


def test_approved_gate_refuses_without_a_signed_screening(world, project):
    with pytest.raises(GateNotMet) as err:
        pipeline.apply_transition(world.staff_a, project, gate_data("approved", D0))
    assert "缺少已签批的项目预审" in err.value.message
    assert project.stage == "talks" and _count(Transition) == 0


def test_a_rejected_screening_blocks_the_meeting(world, project):
    signed_screening(project, world.leader, verdict="reject")
    with pytest.raises(GateNotMet, match="不通过"):
        pipeline.apply_transition(world.staff_a, project, gate_data("approved", D0))


@pytest.mark.parametrize("missing,message", [
    ("meeting_name", "请填写会议名称。"), ("minutes_no", "请填写会议纪要编号。"), ("effective_date", "请填写会议日期。")  # the approval's date is the meeting's,
])
def test_half_a_meeting_record_lists_what_is_missing(world, project, missing, message):
    signed_screening(project, world.leader)
    data = gate_data("approved", D0)
    del data[missing]
    with pytest.raises((GateNotMet, ValidationFailed)) as err:
        pipeline.apply_transition(world.staff_a, project, data)
    assert message in err.value.message or message in str(err.value.fields)
    assert _count(MeetingApproval) == 0


def test_skipping_a_stage_is_refused(world, project):
    with pytest.raises(GateNotMet, match="不能跳过阶段"):
        pipeline.apply_transition(world.staff_a, project, gate_data("signed", D0))


def test_business_date_in_the_future_or_before_the_last_is_refused(world, project):
    signed_screening(project, world.leader)
    with pytest.raises(ValidationFailed, match="不能晚于"):
        pipeline.apply_transition(world.staff_a, project, gate_data("approved", local_today() + timedelta(days=1)))
    walk(project, world.staff_a, world.leader, "approved", start=D0)
    with pytest.raises(ValidationFailed, match="不能早于"):
        pipeline.apply_transition(world.staff_a, project, gate_data("signed", D0 - timedelta(days=1)))


def test_signing_records_contract_commitments_terms_and_permits(world, project):
    walk(project, world.staff_a, world.leader, "signed")
    contract = db.session.scalar(select(Contract))
    assert contract.contract_investment_wan == 50000 and len(contract.commitments) == 2
    assert db.session.scalar(select(IncentiveTerm)).cap_wan == 500
    permits = {pm.kind: pm.required for pm in permits_of(project)}
    # Manufacturing on new land under 1,000 tce: filing, planning, construction, EIA; no energy review.
    assert permits == {"filing": True, "planning": True, "construction": True, "eia": True, "energy_review": False}
    assert all(pm.due_date == contract.agreed_start_date for pm in permits_of(project))


def test_commitments_must_add_up_to_the_contract(world, project):
    walk(project, world.staff_a, world.leader, "approved")
    data = gate_data("signed", D0 + timedelta(days=30))
    data["commitments"][1]["amount_wan"] = "25000"
    with pytest.raises(GateNotMet, match="分期投资承诺合计 45000.00 万元，与合同投资额 50000.00 万元不一致"):
        pipeline.apply_transition(world.staff_a, project, data)
    assert _count(Contract) == 0 and _count(Permit) == 0 and project.stage == "approved"


@pytest.mark.parametrize("field,value,message", [
    ("contract_investment_wan", "-5", "合同投资额必须大于 0。"),
    ("contract_investment_wan", "abc", "合同投资额必须是数字。"),
    ("agreed_start_date", "2020-01-01", "约定开工日期不能早于"),
    ("commitments", [], "缺少分期投资承诺"),
])
def test_bad_contract_data_is_refused(world, project, field, value, message):
    walk(project, world.staff_a, world.leader, "approved")
    data = gate_data("signed", D0 + timedelta(days=30))
    data[field] = value
    with pytest.raises(GateNotMet) as err:
        pipeline.apply_transition(world.staff_a, project, data)
    assert message in err.value.message
    assert _count(Contract) == 0


def test_duplicate_contract_number_is_refused(world, project):
    walk(project, world.staff_a, world.leader, "signed")
    other = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    walk(other, world.staff_a, world.leader, "approved")
    with pytest.raises(GateNotMet, match="已被其他项目使用"):
        pipeline.apply_transition(world.staff_a, other, gate_data("signed", D0 + timedelta(days=30)))


def test_start_needs_land_and_required_permits(world, project):
    walk(project, world.staff_a, world.leader, "signed")
    data = gate_data("started", D0 + timedelta(days=60))
    del data["land_certificate_no"]
    with pytest.raises(GateNotMet) as err:
        pipeline.apply_transition(world.staff_a, project, data)
    assert "请填写不动产权证号；" in err.value.message and "。；" not in err.value.message  # one full stop, at the end
    assert err.value.message.endswith("尚未办结。")
    for kind in ("立项/备案", "规划许可", "施工许可", "环评"):
        assert f"审批手续“{kind}”尚未办结" in err.value.message
    assert "节能审查" not in err.value.message


@pytest.mark.parametrize("tce,kwh,tier", [
    ("999.99", "499.99", "none"), ("1000", None, "city"), ("9999", None, "city"), ("10000", None, "province"),
    ("800", "500", "city"),  # 5,000,000 kWh a year alone needs a city-level review
    ("12000", "100", "province"),
])
def test_energy_review_tiers(tce, kwh, tier):
    from decimal import Decimal

    assert EnergyTier.of(Decimal(tce), Decimal(kwh) if kwh else None) == tier


def test_electricity_alone_can_require_the_energy_review(world, project):
    from decimal import Decimal

    project.annual_electricity_wan_kwh = Decimal("650")  # 800 tce, but 6,500,000 kWh a year
    db.session.commit()
    walk(project, world.staff_a, world.leader, "signed")
    assert {pm.kind for pm in permits_of(project) if pm.required} >= {"energy_review"}


def test_energy_hungry_projects_need_an_energy_review(world, project):
    from decimal import Decimal

    project.annual_energy_tce = Decimal("12000")
    db.session.commit()
    walk(project, world.staff_a, world.leader, "signed")
    assert {pm.kind for pm in permits_of(project) if pm.required} >= {"energy_review"}


def test_hold_resume_and_drop(world, project):
    pipeline.hold(world.staff_a, project, {"effective_date": D0.isoformat(), "note": "企业资金安排调整"})
    assert project.status == "on_hold"
    signed_screening(project, world.leader)
    with pytest.raises(GateNotMet, match="暂缓"):
        pipeline.apply_transition(world.staff_a, project, gate_data("approved", D0))
    pipeline.resume(world.staff_a, project, {"effective_date": D0.isoformat()})
    pipeline.drop(world.staff_a, project, {"effective_date": D0.isoformat(), "reason": "lost_to_other_region"})
    assert project.status == "dropped" and project.drop_reason_code == "lost_to_other_region"
    kinds = [t.to_code for t in pipeline.transitions_of(project)]
    assert kinds == ["on_hold", "resume", "dropped"]


def test_drop_needs_a_listed_reason(world, project):
    with pytest.raises(ValidationFailed, match="终止原因"):
        pipeline.drop(world.staff_a, project, {"effective_date": D0.isoformat(), "reason": "bored"})


def test_only_admins_correct_and_only_backwards(world, project):
    walk(project, world.staff_a, world.leader, "signed")
    data = {"to": "correction", "to_stage": "approved", "effective_date": date.today().isoformat(),
            "reason": "合同录入错误，退回过会阶段"}
    with pytest.raises(PermissionDenied):
        pipeline.apply_transition(world.leader, project, data)
    with pytest.raises(ValidationFailed, match="更正原因"):
        pipeline.apply_transition(world.admin, project, {**data, "reason": ""})
    pipeline.apply_transition(world.admin, project, data)
    assert project.stage == "approved"
    last = pipeline.transitions_of(project)[-1]
    assert (last.kind, last.reason) == ("correction", "合同录入错误，退回过会阶段")
    with pytest.raises(GateNotMet, match="只能退回"):
        pipeline.apply_transition(world.admin, project, {**data, "to_stage": "producing"})


def test_other_units_staff_cannot_move_the_project(world, project):
    with pytest.raises(PermissionDenied):
        pipeline.hold(world.staff_b, project, {"effective_date": D0.isoformat(), "note": "x"})
    with pytest.raises(PermissionDenied):
        pipeline.hold(world.viewer, project, {"effective_date": D0.isoformat(), "note": "x"})


def test_transitions_are_append_only_in_the_database(world, project):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    pipeline.hold(world.staff_a, project, {"effective_date": D0.isoformat(), "note": "x"})
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE project_transitions SET effective_date = '2000-01-01'"))
        db.session.flush()
    db.session.rollback()
