"""Trips (外出招商报备): every state change of the services, and the refusals that change nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.domain import Source, TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.trips import regions, report, services
from crm.trips.models import Trip, TripTarget
from crm.trips.workdays import report_due_date
from tests.factories import ProjectFactory, UserFactory

TODAY = date(2026, 11, 23)  # a Monday
LEAD = {"industry_code": "36", "total_investment_wan": "20000", "fund_origin": "province_outside"}
START, END = date(2026, 12, 1), date(2026, 12, 3)


def _trips() -> int:
    return db.session.scalar(select(func.count()).select_from(Trip))


def filing(world, **overrides) -> dict:
    data = {"traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id, "start_date": START.isoformat(),
            "end_date": END.isoformat(), "destination_province": "广东省", "destination_city": "深圳市",
            "purpose": "赴深圳对接新能源汽车零部件企业", "budget_wan": "1.5",
            "targets": [{"company_name": "深圳市示范科技有限公司", "uscc": "91440300MA5FXXXX0", "contact": "王总",
                         "topic": "华东生产基地选址"}]}
    data["targets"][0]["uscc"] = None
    return data | overrides


def _filed(world, actor=None, **overrides) -> Trip:
    trip = services.create_trip(actor or world.staff_a, filing(world, **overrides), today=TODAY)
    db.session.commit()
    return trip


def _submitted(world, **overrides) -> Trip:
    trip = _filed(world, **overrides)
    services.submit_trip(world.staff_a, trip, trip.version, today=TODAY)
    db.session.commit()
    return trip


def _approved(world, **overrides) -> Trip:
    trip = _submitted(world, **overrides)
    services.approve_trip(world.head_a, trip, trip.version, "同意")
    db.session.commit()
    return trip


def test_destinations_list_every_province_and_its_prefectures():
    assert len(regions.PREFECTURES) == 31
    assert sum(len(c) for c in regions.PREFECTURES.values()) == 333 + 4  # the municipalities name themselves
    assert regions.is_destination("广东省", "深圳市") and regions.is_destination("湖北省", "仙桃市")
    assert not regions.is_destination("广东省", "苏州市")


def test_due_date_counts_prc_working_days_across_national_day_and_its_make_up_saturday():
    # 10-1..10-8 are the holiday; Saturday 10-11 is a make-up working day (调休).
    assert report_due_date(date(2025, 9, 30)) == date(2025, 10, 14)
    assert report_due_date(date(2026, 12, 3)) == date(2026, 12, 10)


def test_draft_is_saved_edited_and_its_history_kept(world):
    trip = _filed(world)
    assert trip.state == TripState.DRAFT and trip.traveller_names == "李晓燕" and trip.version == 1
    services.update_trip(world.staff_a, trip, {"traveller_ids": [world.staff_a.id, world.head_a.id],
                                               "budget_wan": "2"}, trip.version, today=TODAY)
    db.session.commit()
    assert trip.version == 2 and trip.budget_wan == Decimal("2.00") and len(trip.targets) == 1
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "trips")).all()
    assert entries[-1].changes["traveller_names"] == ["李晓燕", "李晓燕、陈志强"]
    with pytest.raises(Conflict):
        services.update_trip(world.staff_a, trip, {"budget_wan": "3"}, 1, today=TODAY)


def test_submit_sets_the_due_date_and_a_unit_head_approves(world):
    trip = _submitted(world)
    assert trip.state == TripState.SUBMITTED and trip.report_due_date == date(2026, 12, 10) and not trip.late
    services.approve_trip(world.head_a, trip, trip.version, "同意")
    assert trip.state == TripState.APPROVED and trip.decided_by_id == world.head_a.id


def test_a_trip_without_targets_cannot_be_submitted(world):
    trip = _filed(world, targets=[])
    with pytest.raises(ValidationFailed, match="拜访对象"):
        services.submit_trip(world.staff_a, trip, trip.version, today=TODAY)
    assert trip.state == TripState.DRAFT


def test_rejected_trip_is_revised_and_resubmitted(world):
    trip = _submitted(world)
    with pytest.raises(ValidationFailed):
        services.reject_trip(world.head_a, trip, trip.version, "")
    services.reject_trip(world.head_a, trip, trip.version, "请补充拜访对象的联系人")
    db.session.commit()
    assert trip.state == TripState.REJECTED
    services.update_trip(world.staff_a, trip, {"purpose": "补充后的事由"}, trip.version, today=TODAY)
    services.submit_trip(world.staff_a, trip, trip.version, today=TODAY)
    assert trip.state == TripState.SUBMITTED and trip.decided_by_id is None


def test_late_filing_needs_a_reason_and_is_flagged(world):
    trip = _filed(world)
    with pytest.raises(ValidationFailed, match="补报"):
        services.submit_trip(world.staff_a, trip, trip.version, today=START)
    services.submit_trip(world.staff_a, trip, trip.version, late_reason="临时接到企业邀请", today=START)
    assert trip.late and trip.late_reason == "临时接到企业邀请"


def test_approvers_by_role(world):
    own = _submitted(world)
    with pytest.raises(PermissionDenied):
        services.approve_trip(world.staff_a, own, own.version)  # staff approve nothing, least of all their own
    head_trip = _filed(world, traveller_ids=[world.head_a.id], start_date="2027-01-04", end_date="2027-01-05")
    services.submit_trip(world.head_a, head_trip, head_trip.version, today=TODAY)
    with pytest.raises(PermissionDenied, match="自己"):
        services.approve_trip(world.head_a, head_trip, head_trip.version)
    services.approve_trip(world.leader, head_trip, head_trip.version)
    assert head_trip.state == TripState.APPROVED
    leader_trip = _filed(world, actor=world.leader, traveller_ids=[world.leader.id, world.staff_b.id],
                         start_date="2027-02-01", end_date="2027-02-02")
    services.submit_trip(world.leader, leader_trip, leader_trip.version, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.approve_trip(world.leader, leader_trip, leader_trip.version)
    other_leader = UserFactory(username="leader2", role="leader", unit=world.bureau)
    services.approve_trip(other_leader, leader_trip, leader_trip.version)
    assert leader_trip.state == TripState.APPROVED


def test_overlapping_trips_of_one_traveller_are_refused(world):
    _submitted(world)
    second = _filed(world, start_date=END.isoformat(), end_date=(END + timedelta(days=2)).isoformat())
    with pytest.raises(Conflict, match="重叠"):
        services.submit_trip(world.staff_a, second, second.version, today=TODAY)
    assert second.state == TripState.DRAFT


def test_cancel_before_start_keeps_the_trip(world):
    trip = _approved(world)
    with pytest.raises(ValidationFailed):
        services.cancel_trip(world.staff_a, trip, trip.version, "", today=TODAY)
    services.cancel_trip(world.staff_a, trip, trip.version, "企业临时调整行程", today=TODAY)
    db.session.commit()
    assert db.session.get(Trip, trip.id).state == TripState.CANCELLED
    started = _approved(world)
    with pytest.raises(Conflict):
        services.cancel_trip(world.staff_a, started, started.version, "不去了", today=START)


@pytest.mark.parametrize("overrides, field", [
    ({"end_date": "2026-11-30"}, "end_date"),
    ({"start_date": "2029-12-01", "end_date": "2029-12-02"}, "start_date"),
    ({"traveller_ids": [999999]}, "traveller_ids"),
    ({"traveller_ids": []}, "traveller_ids"),
    ({"budget_wan": "-1"}, "budget_wan"),
    ({"destination_city": "苏州市"}, "destination_city"),
    ({"targets": [{"company_name": "某公司", "topic": "洽谈", "uscc": "123"}]}, "targets[0]"),
])
def test_bad_filings_are_refused_with_the_field_named(world, overrides, field):
    with pytest.raises(ValidationFailed) as err:
        services.create_trip(world.staff_a, filing(world, **overrides), today=TODAY)
    assert field in err.value.fields
    db.session.rollback()
    assert _trips() == 0


def test_traveller_from_another_unit_needs_a_leader(world):
    with pytest.raises(ValidationFailed, match="跨单位"):
        services.create_trip(world.staff_a, filing(world, traveller_ids=[world.staff_a.id, world.staff_b.id]),
                             today=TODAY)
    trip = services.create_trip(world.leader, filing(world, traveller_ids=[world.staff_a.id, world.staff_b.id]),
                                today=TODAY)
    assert len(trip.travellers) == 2


def test_target_project_of_another_unit_is_refused(world):
    other = ProjectFactory(unit=world.unit_b, owner=world.staff_b)
    row = {"company_name": other.investor_name, "topic": "回访", "project_id": other.id}
    with pytest.raises(ValidationFailed, match="出行单位"):
        services.create_trip(world.staff_a, filing(world, targets=[row]), today=TODAY)
    own = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    trip = services.create_trip(world.staff_a, filing(world, targets=[row | {"project_id": own.id}]), today=TODAY)
    assert trip.targets[0].project_id == own.id


def _report(trip, **overrides) -> dict:
    return {"targets": [{"target_id": t.id, "visited": True, "outcome": "对方有意向", "next_step": "邀请来考察"}
                        for t in trip.targets], "expenses_wan": "1.2", "notes": "顺利"} | overrides


def test_report_after_return_once_and_late_is_flagged(world):
    trip = _approved(world)
    with pytest.raises(ValidationFailed, match="尚未结束"):
        report.report_trip(world.staff_a, trip, _report(trip), trip.version, today=END - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        report.report_trip(world.staff_a, trip, _report(trip, expenses_wan="-3"), trip.version, today=END)
    report.report_trip(world.staff_a, trip, _report(trip), trip.version, today=date(2026, 12, 11))
    db.session.commit()
    assert trip.state == TripState.REPORTED and trip.report_late and trip.targets[0].visited
    with pytest.raises(Conflict, match="重复"):
        report.report_trip(world.staff_a, trip, _report(trip), trip.version, today=date(2026, 12, 11))


def test_report_must_cover_every_target(world):
    trip = _approved(world)
    with pytest.raises(ValidationFailed):
        report.report_trip(world.staff_a, trip, _report(trip, targets=[]), trip.version, today=END)
    with pytest.raises(ValidationFailed):
        report.report_trip(world.staff_a, trip, _report(trip, targets=[{"target_id": trip.targets[0].id}]),
                           trip.version, today=END)


def test_target_becomes_a_project_from_the_trip(world):
    trip = _approved(world)
    target = trip.targets[0]
    project = report.create_lead(world.staff_a, target, LEAD)
    db.session.commit()
    assert project.source == Source.TRIP and project.investor_name == target.company_name
    assert project.unit_id == world.unit_a.id and project.owner_id == world.staff_a.id
    assert target.project_id == project.id and target.lead_created
    with pytest.raises(Conflict):
        report.create_lead(world.staff_a, target, LEAD)


def test_lead_with_missing_figures_stores_nothing(world):
    trip = _approved(world)
    with pytest.raises(ValidationFailed):
        report.create_lead(world.staff_a, trip.targets[0], {})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    assert db.session.get(TripTarget, trip.targets[0].id).project_id is None


def test_link_target_to_an_existing_project_of_the_unit(world):
    trip = _approved(world)
    other = ProjectFactory(unit=world.unit_b, owner=world.staff_b)
    with pytest.raises(ValidationFailed):
        report.link_project(world.staff_a, trip.targets[0], other.id)
    own = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    report.link_project(world.staff_a, trip.targets[0], own.id)
    assert trip.targets[0].project_id == own.id and not trip.targets[0].lead_created


def test_figures_count_days_visits_leads_and_list_idle_trips(world):
    from crm.trips.figures import trip_figures

    fruitful = _approved(world)
    report.report_trip(world.staff_a, fruitful, _report(fruitful), fruitful.version, today=END)
    report.create_lead(world.staff_a, fruitful.targets[0], LEAD)
    idle = _approved(world, start_date="2026-12-07", end_date="2026-12-07")
    report.report_trip(world.staff_a, idle, _report(idle, targets=[
        {"target_id": idle.targets[0].id, "visited": False, "outcome": "对方负责人出差"}]), idle.version,
        today=date(2026, 12, 7))
    db.session.commit()
    figures = trip_figures(world.leader, START, date(2026, 12, 31))
    unit = figures.units[0]
    assert (unit.trips, unit.person_days, unit.targets, unit.visited, unit.leads) == (2, 4, 2, 1, 1)
    assert [row.name for row in figures.people] == ["李晓燕"]
    assert [(trip.id, visited, leads) for trip, visited, leads in figures.idle] == [(idle.id, 0, 0)]
    assert trip_figures(world.staff_b, START, date(2026, 12, 31)).total.trips == 0  # another unit's trips
