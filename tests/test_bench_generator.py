"""The benchmark generator (`flask bench generate`) leaves a database the app's own rules accept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.auth.models import User
from crm.domain import Stage
from crm.extensions import db
from crm.pipeline.models import Contract, LandSupply, MeetingApproval, Permit, Transition
from crm.pipeline.permits import missing_permits, required_permit_kinds
from crm.projects.models import Project
from crm.screening.current import meeting_problem, signed_screening
from crm.screening.models import Screening
from crm.trips.models import Trip
from tests.conftest import csrf_token

N = 300


@pytest.fixture
def generated(app):
    result = app.test_cli_runner().invoke(args=["bench", "generate", "--projects", str(N), "--seed", "7"])
    assert result.exit_code == 0, result.output
    return result.output


def test_counts_and_summary(generated):
    assert db.session.scalar(select(func.count()).select_from(Project)) == N
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["units"])) == 200
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["users"])) == 2000
    assert "projects" in generated and "audit_entries" in generated
    stages = dict(db.session.execute(select(Project.stage, func.count()).group_by(Project.stage)).all())
    assert set(stages) == {"talks", "approved", "signed", "started", "producing"}
    statuses = dict(db.session.execute(select(Project.status, func.count()).group_by(Project.status)).all())
    assert statuses.get("on_hold") and statuses.get("dropped")
    assert db.session.scalar(select(func.count()).select_from(Project).where(Project.kind == "capital_increase"))


def test_the_current_screening_flag_follows_the_rule(generated):
    """The bulk-written screenings carry `is_current` by the rule of crm/screening/current.py."""
    newest = set(db.session.scalars(select(func.max(Screening.id)).where(Screening.superseded_at.is_(None))
                                    .group_by(Screening.project_id)))
    flagged = set(db.session.scalars(select(Screening.id).where(Screening.is_current)))
    assert flagged == newest and len(flagged) > N // 3


def test_every_project_passes_its_gates(generated):
    for project in db.session.scalars(select(Project)):
        transitions = list(db.session.scalars(select(Transition).where(Transition.project_id == project.id)
                                              .order_by(Transition.id)))
        if transitions:
            assert (transitions[-1].to_stage, transitions[-1].to_status) == (project.stage, project.status)
            dates = [t.effective_date for t in transitions]
            assert dates == sorted(dates), project.id
        else:
            assert (project.stage, project.status) == ("talks", "active")
        reached = Stage(project.stage).index
        approval = db.session.scalar(select(MeetingApproval).where(MeetingApproval.project_id == project.id))
        if reached >= Stage.APPROVED.index:
            assert approval is not None
            assert meeting_problem(project, approval.meeting_date) is None, project.id
            assert signed_screening(project, by=approval.meeting_date).id == approval.screening_id
        if reached >= Stage.SIGNED.index:
            contract = db.session.scalar(select(Contract).where(Contract.project_id == project.id,
                                                                Contract.voided_by_id.is_(None)))
            assert sum((c.amount_wan for c in contract.commitments), Decimal(0)) == contract.contract_investment_wan
            assert contract.incentive_terms
            required = {pm.kind for pm in db.session.scalars(select(Permit).where(
                Permit.project_id == project.id, Permit.required.is_(True)))}
            assert required == required_permit_kinds(project), project.id
        if reached >= Stage.STARTED.index:
            start = next(t.effective_date for t in transitions if t.to_stage == "started" and t.kind == "advance")
            assert missing_permits(project, start) == [], project.id
            land = db.session.scalar(select(LandSupply).where(LandSupply.project_id == project.id))
            assert land is not None or (project.floor_area_m2 and not project.land_area_mu), project.id


def test_pages_answer_for_leader_and_staff(generated, client, api):
    staff_unit = db.session.scalar(select(User.unit_id).where(User.username == "staff_a"))
    for username in ("leader", "staff_a"):
        # A project the user may see: any for the leader, one of unit A's for staff_a.
        visible = select(Project.id).order_by(Project.id).limit(1)
        pid = db.session.scalar(visible if username == "leader" else visible.where(Project.unit_id == staff_unit))
        page = client.get("/login")
        response = client.post("/login", data={"username": username, "password": "Demo@2026",
                                                "csrf_token": csrf_token(page.text)})
        assert response.status_code == 302, username
        trip = select(Trip.id).order_by(Trip.id).limit(1)
        tid = db.session.scalar(trip if username == "leader" else trip.where(Trip.unit_id == staff_unit))
        trip_page = [f"/trips/{tid}"] if tid else []  # 60 trips over 200 units: unit A may have none
        for url in ("/", "/projects", "/projects?page=3", "/screenings", f"/projects/{pid}", "/trips", "/payouts",
                    "/funnel", *trip_page):
            assert client.get(url).status_code == 200, (username, url)
        assert api.login(username).get("/api/v1/projects?per_page=200").status_code == 200
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})


def test_refuses_a_database_that_is_not_empty(generated, app):
    result = app.test_cli_runner().invoke(args=["bench", "generate", "--projects", "10"])
    assert result.exit_code != 0 and "not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(Project)) == N


def test_refuses_a_production_configuration(app):
    from crm.bench.generator import GenerateRefused, generate

    with pytest.raises(GenerateRefused):
        generate({"IS_PRODUCTION": True}, 10)
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_new_records_follow_the_generated_ids(generated, client, api):
    """PostgreSQL sequences were moved past the explicit ids: the services can add records."""
    staff = db.session.scalar(select(User).where(User.username == "staff_a"))
    response = api.login("staff_a").post("/api/v1/projects", json={
        "name": "基准测试后新登记项目", "investor_name": "新登记科技有限公司", "industry_code": "39",
        "source": "online", "unit_id": staff.unit_id, "owner_id": staff.id, "kind": "new",
        "total_investment_wan": "5000", "fund_origin": "local"})
    assert response.status_code == 201, response.json
    assert response.json["id"] == N + 1


def test_trips_follow_the_trip_rules(generated):
    """Every generated trip passes the filing checks as of its filing day, the overlap rule, the
    approver rule and the report rules; leads point at projects of source 外出招商."""
    from crm.core.dates import local_date
    from crm.core.permissions import may_approve_trip
    from crm.domain import Source, TripState
    from crm.trips.models import Trip
    from crm.trips.report import LEAD_STATES
    from crm.trips.services import clean_trip_data, overlapping_trips, travellers_of, trip_values
    from crm.trips.workdays import report_due_date

    trips = list(db.session.scalars(select(Trip).order_by(Trip.id)))
    assert len(trips) == N // 5
    states = {t.state for t in trips}
    assert {TripState.REPORTED, TripState.APPROVED} <= states and len(states) >= 4
    assert any(t.late for t in trips) and any(t.report_late for t in trips)
    for trip in trips:
        filed = local_date(trip.created_at)
        clean_trip_data(trip.created_by, trip_values(trip), filed)  # raises on anything a filing may not hold
        assert trip.report_due_date == report_due_date(trip.end_date)
        assert trip.targets, trip.id
        if trip.state in TripState.occupying():
            assert overlapping_trips(trip) == [], trip.id
        if trip.submitted_at is not None:
            assert trip.late == (local_date(trip.submitted_at) >= trip.start_date), trip.id
            assert not trip.late or trip.late_reason
        if trip.decided_by_id is not None:
            assert may_approve_trip(trip.decided_by, trip.unit_id, travellers_of(trip)), trip.id
            assert trip.decided_at >= trip.submitted_at
        if trip.state == TripState.REPORTED:
            reported = local_date(trip.reported_at)
            assert reported >= trip.end_date and trip.expenses_wan is not None
            assert trip.report_late == (reported > trip.report_due_date), trip.id
            assert all(t.visited is not None and (not t.visited or t.outcome) for t in trip.targets), trip.id
        for target in trip.targets:
            if target.project_id is not None:
                project = db.session.get(Project, target.project_id)
                assert project.unit_id == trip.unit_id, trip.id
            if target.lead_created:
                assert trip.state in LEAD_STATES and project.source == Source.TRIP
                assert local_date(project.created_at) > trip.end_date
    assert sum(t.lead_created for trip in trips for t in trip.targets)


def test_payouts_follow_the_payout_rules(generated):
    """Conditions met, caps and computed rewards never exceeded, one live request per term and
    period, leaders approve others' requests, payment after approval, reversals net to zero."""
    from crm.core.dates import local_date, local_today
    from crm.core.permissions import Action, can
    from crm.domain import PayoutKind, PayoutState, Status, TransitionKind
    from crm.payouts import rules
    from crm.payouts.models import LIVE_ORIGINAL, Payout
    from crm.payouts.policies import compute_reward
    from crm.pipeline.models import IncentiveTerm

    payouts = list(db.session.scalars(select(Payout).order_by(Payout.id)))
    assert len(payouts) == N // 2
    assert {PayoutState.PAID, PayoutState.REJECTED, PayoutState.REVERSED} <= {x.state for x in payouts}
    assert {PayoutKind.INVESTOR, PayoutKind.CONTRIBUTOR} == {x.kind for x in payouts}
    for term in db.session.scalars(select(IncentiveTerm)):
        assert rules.term_paid_out(term.id) <= term.cap_wan, term.id
    for x in payouts:
        project = x.project
        assert project.status != Status.DROPPED and project.unit_id == x.unit_id
        if x.reverses_id is not None:
            assert x.amount_wan == -x.reverses.amount_wan and x.reverses.state == PayoutState.REVERSED
            assert x.reason and x.paid_date >= x.reverses.paid_date
            continue
        requested = local_date(x.created_at)
        if x.kind == PayoutKind.INVESTOR:
            rules.check_condition(project, x.term, x.condition_note)
            reached = db.session.scalar(select(Transition.effective_date).where(
                Transition.project_id == project.id, Transition.kind == TransitionKind.ADVANCE,
                Transition.to_stage == x.term.condition_stage))
            assert requested >= reached, x.id
        else:
            assert rules.stage_reached(project, rules.REWARD_STAGE)
            assert rules.reward_paid_out(project.id) <= x.computed_wan, x.id
            assert x.recipients and rules.recipients([{"user_id": r.user_id, "unit_id": r.unit_id,
                                                       "share": r.share} for r in x.recipients])
            assert x.amount_wan == x.computed_wan or x.reduction_reason
            assert x.computed_wan == compute_reward(x.reward_policy, _contract_investment(project.id)).amount_wan
        assert can(x.applicant, Action.WRITE, project.unit_id)
        if x.decided_by_id is not None:
            assert x.decided_by_id != x.applicant_id and can(x.decided_by, Action.APPROVE_PAYOUT)
            assert x.decided_on >= requested
        if x.state in (PayoutState.PAID, PayoutState.REVERSED):
            assert x.decided_on <= x.paid_date <= local_today() and x.voucher_no
            assert can(x.paid_by, Action.PAY_PAYOUT)
        assert (x.state == PayoutState.REVERSED) == (x.reversed_by is not None), x.id
    live = select(Payout.term_id, Payout.project_id, Payout.kind, Payout.period).where(LIVE_ORIGINAL)
    keys = [(r.term_id if r.kind == PayoutKind.INVESTOR else f"p{r.project_id}", r.period)
            for r in db.session.execute(live)]
    assert len(keys) == len(set(keys))


def _contract_investment(project_id: int) -> Decimal:
    return db.session.scalar(select(Contract.contract_investment_wan).where(
        Contract.project_id == project_id, Contract.voided_by_id.is_(None)))
