"""Set-up: configuration, demo data, reference lists, language, assets served locally."""

import re

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from crm.auth.models import User
from crm.extensions import db
from crm.reference.models import Chain, ListItem
from crm.units.models import Unit
from tests.conftest import csrf_token

DEMO_ACCOUNTS = {"admin": "admin", "leader": "leader", "viewer": "viewer", "head_a": "unit_head",
                 "staff_a": "staff", "staff_b": "staff"}


@pytest.mark.parametrize("secret", [None, "", "short", "dev-only-not-secret"])
def test_production_refuses_to_start_without_a_real_secret(monkeypatch, secret):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@/y")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@/y")
    assert ProductionConfig().SECRET_KEY == "k" * 40


def test_demo_load_builds_the_city(app, runner, client):
    result = runner.invoke(args=["demo", "load", "--projects", "40"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) >= 12
    assert db.session.scalar(select(func.count()).select_from(User)) >= 30
    assert db.session.scalar(select(func.count()).select_from(Chain)) >= 6
    roles = dict(db.session.execute(select(User.username, User.role)).all())
    assert {name: roles[name] for name in DEMO_ACCOUNTS} == DEMO_ACCOUNTS
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert users["head_a"].unit_id == users["staff_a"].unit_id != users["staff_b"].unit_id
    for name in DEMO_ACCOUNTS:
        assert users[name].check_password("Demo@2026"), name
    assert set(db.session.scalars(select(Unit.kind))) == {"bureau", "chain_team", "resident_team", "park", "town"}


def test_demo_load_refuses_a_second_time_but_if_empty_is_quiet(app, runner):
    assert runner.invoke(args=["demo", "load", "--projects", "3"]).exit_code == 0
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code != 0 and "already has users" in again.output
    quiet = runner.invoke(args=["demo", "load", "--if-empty"])
    assert quiet.exit_code == 0 and "nothing loaded" in quiet.output


def test_demo_load_refuses_production(app, runner):
    app.config["IS_PRODUCTION"] = True
    try:
        result = runner.invoke(args=["demo", "load"])
    finally:
        app.config["IS_PRODUCTION"] = False
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_is_idempotent(app, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(ListItem))
    assert count == 11
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ListItem)) == count


def test_create_admin_command(app, runner):
    result = runner.invoke(args=["user", "create-admin", "root"], input="Strong2026pw\nStrong2026pw\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "root")).role == "admin"


def test_ui_is_chinese_by_default_and_english_on_request(world, auth, client):
    auth.login("staff_a")
    assert "退出登录" in client.get("/").text
    client.get("/lang/en")
    english = client.get("/").text
    assert "Sign out" in english or "Log out" in english
    assert "退出登录" not in english
    client.get("/lang/zh_CN")
    assert "退出登录" in client.get("/").text


def test_unknown_language_is_ignored(world, auth, client):
    auth.login("staff_a")
    client.get("/lang/xx")
    assert "退出登录" in client.get("/").text


def test_not_found_page_is_friendly_chinese(world, auth, client):
    auth.login("staff_a")
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.text and "返回首页" in page.text


def test_every_asset_is_served_by_the_app(world, auth, client):
    auth.login("admin")
    for url in ["/login", "/", "/admin/users", "/reference/chains"]:
        html = client.get(url).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", ref), f"{url} loads {ref} from outside"
            if ref.startswith(("/static/", "/bootstrap/static/")):
                assert client.get(ref).status_code == 200, ref
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_health_check(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_demo_projects_went_through_the_gates(app, runner):
    from crm.pipeline.models import Contract, LandSupply, MeetingApproval, Transition
    from crm.pipeline.services import transitions_of
    from crm.projects.models import Project
    from crm.screening.models import Screening

    assert runner.invoke(args=["demo", "load", "--projects", "60"]).exit_code == 0
    projects = list(db.session.scalars(select(Project)))
    assert len(projects) >= 60
    stages = {p.stage for p in projects}
    assert stages == {"talks", "approved", "signed", "started", "producing"}
    order = ["talks", "approved", "signed", "started", "producing"]
    for project in projects:
        transitions = transitions_of(project)
        reached = order.index(project.stage)
        if transitions:
            assert (transitions[-1].to_stage, transitions[-1].to_status) == (project.stage, project.status)
            dates = [t.effective_date for t in transitions]
            assert dates == sorted(dates)
        if reached >= 1:
            screening = db.session.scalar(select(Screening).where(Screening.project_id == project.id,
                                                                  Screening.verdict.in_(["pass", "conditional"])))
            assert screening is not None and screening.verdict == screening.proposed_verdict
            _assert_reproducible(screening)
            assert db.session.scalar(select(MeetingApproval).where(MeetingApproval.project_id == project.id))
        if reached >= 2:
            assert db.session.scalar(select(Contract).where(Contract.project_id == project.id))
        if reached >= 3 and project.land_area_mu:
            assert db.session.scalar(select(LandSupply).where(LandSupply.project_id == project.id))
    assert db.session.scalar(select(func.count()).select_from(Transition)) > 60
    waiting = db.session.scalars(select(Screening).where(Screening.signed_at.is_(None))).all()
    assert len(waiting) >= 3 and any(s.vetoes for s in waiting)


def _assert_reproducible(screening):
    """A screening recomputed from its own stored inputs and policy gives the stored result."""
    from decimal import Decimal

    from crm.screening.policies import thresholds
    from crm.screening.scoring import Inputs, screen

    figures = {k: (Decimal(v) if v is not None and k != "industry_code" else v)
               for k, v in screening.inputs.items() if k in Inputs.__dataclass_fields__}
    again = screen(Inputs(**figures), thresholds(screening.policy))
    assert again.proposed_verdict == screening.proposed_verdict
    assert again.score.quantize(Decimal("0.01")) == screening.score


def test_demo_has_trips_and_payouts_in_every_state(app, runner):
    from crm.payouts.models import Payout, PayoutRecipient
    from crm.projects.models import Project
    from crm.trips.models import Trip, TripTarget

    result = runner.invoke(args=["demo", "load", "--projects", "60"])
    assert result.exit_code == 0, result.output
    trips = list(db.session.scalars(select(Trip)))
    assert {t.state for t in trips} == {"draft", "submitted", "approved", "reported", "rejected", "cancelled"}
    assert any(t.late and t.late_reason for t in trips)  # a late filing (补报), flagged with its reason
    reported = next(t for t in trips if t.state == "reported")
    assert any(t.visited for t in reported.targets) and reported.expenses_wan is not None
    lead = db.session.scalar(select(TripTarget).where(TripTarget.lead_created.is_(True)))
    assert lead is not None and db.session.get(Project, lead.project_id).source == "trip"

    payouts = list(db.session.scalars(select(Payout)))
    investor = {p.state for p in payouts if p.kind == "investor" and p.reverses_id is None}
    assert investor >= {"applied", "approved", "paid", "rejected", "reversed"}
    reversal = next(p for p in payouts if p.reverses_id is not None)
    assert reversal.amount_wan < 0 and db.session.get(Payout, reversal.reverses_id).state == "reversed"
    reward = next(p for p in payouts if p.kind == "contributor")
    shares = db.session.scalars(select(PayoutRecipient.share).where(PayoutRecipient.payout_id == reward.id)).all()
    assert reward.state == "paid" and sum(shares) == 100


def test_demo_screens_show_trips_and_payouts_to_the_demo_accounts(app, runner, client):
    assert runner.invoke(args=["demo", "load", "--projects", "60"]).exit_code == 0
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"username": "staff_a", "password": "Demo@2026", "csrf_token": token})
    trips = client.get("/trips")
    assert trips.status_code == 200 and "深圳市" in trips.text
    payouts = client.get("/payouts")
    assert payouts.status_code == 200 and "开工奖励" in payouts.text
