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
        for url in ("/", "/projects", "/projects?page=3", "/screenings", f"/projects/{pid}"):
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
