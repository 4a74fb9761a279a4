"""Pre-review screening (DOMAIN.md §4): policies, preparing, signing off, and the gate it opens."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.core.dates import local_today
from crm.demo.policies import CITY, PARK
from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.reference.services import seed_default_lists
from crm.screening import policies as policy_rules
from crm.screening.models import Policy, Screening
from tests.factories import ProjectFactory, gate_data


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    city = policy_rules.create_policy(world.admin, CITY)
    db.session.commit()
    world.city = city
    return world


@pytest.fixture
def project(setup):
    # 40,000 万元 fixed assets on 150 亩 = 266.67 万元/亩; 3,000 万元 tax = 20 万元/亩; 80,000 万元 output
    return ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)


def _error(response, status, code):
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    return response.json["error"]


def test_prepare_computes_indicators_from_the_projects_figures(setup, project, api):
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/screenings")
    assert response.status_code == 201
    body = response.json
    assert body["policy_version"] == "示范市工业项目准入标准（2024） v1"
    assert Decimal(body["indicators"]["tax_per_mu"]) == Decimal(20)
    assert Decimal(body["indicators"]["investment_intensity"]).quantize(Decimal("0.01")) == Decimal("266.67")
    assert Decimal(body["indicators"]["energy_per_output"]) == Decimal("0.01")
    assert body["energy_review_tier"] == "none" and body["vetoes"] == []
    assert body["proposed_verdict"] == "pass" and Decimal(body["score"]) == 100
    assert body["verdict"] is None


def test_overrides_change_the_screening_not_the_project(setup, project, api):
    api.login("staff_a")
    body = api.post(f"/api/v1/projects/{project.id}/screenings", json={"expected_annual_tax_wan": "1500"}).json
    assert Decimal(body["indicators"]["tax_per_mu"]) == 10
    assert body["scores"]["tax_per_mu"] == "20.00" and Decimal(body["score"]) == 90  # 30 × 10/15 of the weight
    db.session.refresh(project)
    assert project.expected_annual_tax_wan == 3000


def test_a_screening_keeps_its_figures_when_the_project_changes(setup, project, api):
    api.login("staff_a")
    first = api.post(f"/api/v1/projects/{project.id}/screenings").json
    api.patch(f"/api/v1/projects/{project.id}", json={"expected_annual_tax_wan": "100", "version": project.version})
    assert api.get(f"/api/v1/screenings/{first['id']}").json["indicators"] == first["indicators"]


@pytest.mark.parametrize("overrides,field", [
    ({"land_area_mu": "-5"}, "land_area_mu"), ({"expected_annual_tax_wan": "1e30"}, "expected_annual_tax_wan"),
    ({"annual_energy_tce": "lots"}, "annual_energy_tce"), ({"industry_code": "99"}, "industry_code"),
])
def test_bad_overrides_are_refused(setup, project, api, overrides, field):
    api.login("staff_a")
    error = _error(api.post(f"/api/v1/projects/{project.id}/screenings", json=overrides), 422, "validation_failed")
    assert field in error["fields"]
    assert db.session.scalar(select(func.count()).select_from(Screening)) == 0


def test_restricted_industry_and_energy_are_vetoed(setup, project, api):
    api.login("staff_a")
    body = api.post(f"/api/v1/projects/{project.id}/screenings",
                    json={"industry_code": "25", "annual_energy_tce": "60000"}).json
    assert body["vetoes"] == ["restricted_industry", "energy_cap"] and body["proposed_verdict"] == "reject"
    assert "行业属于本准入标准的限制类（一票否决）" in body["veto_reasons"]
    assert body["energy_review_tier"] == "province"


def test_the_park_policy_applies_to_the_park(setup, api):
    from tests.factories import UnitFactory, UserFactory

    park = UnitFactory(name="临港产业园", kind="park", parent=setup.bureau)
    officer = UserFactory(username="staff_port", role="staff", unit=park)
    policy_rules.create_policy(setup.admin, PARK | {"scope_unit_id": park.id})
    db.session.commit()
    project = ProjectFactory(unit=park, owner=officer)  # 20 万元/亩 tax: below the park's 30, a veto there
    api.login("staff_port")
    body = api.post(f"/api/v1/projects/{project.id}/screenings").json
    assert body["policy_version"].startswith("临港产业园") and body["vetoes"] == ["below:tax_per_mu"]


def test_no_land_is_not_applicable_not_an_error(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, land_area_mu=None)
    api.login("staff_a")
    body = api.post(f"/api/v1/projects/{project.id}/screenings").json
    assert body["indicators"]["tax_per_mu"] is None and "未填写用地面积" in body["not_applicable"]["tax_per_mu"]


def _decide(api, screening_id, **overrides):
    data = {"verdict": "pass", "comment": "同意提交评审会", "negative_list_confirmed": True} | overrides
    return api.post(f"/api/v1/screenings/{screening_id}/decision", json=data)


def test_a_leader_signs_and_the_meeting_gate_opens(setup, project, api):
    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    _error(_decide(api, sid), 403, "forbidden")  # staff cannot sign
    api.login("leader")
    signed = _decide(api, sid)
    assert signed.status_code == 200 and signed.json["verdict"] == "pass" and signed.json["signed_by_id"]
    _error(_decide(api, sid), 409, "conflict")  # signed is final
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))
    assert project.stage == "approved"


@pytest.mark.parametrize("overrides,field", [
    ({"negative_list_confirmed": False}, "negative_list_confirmed"),
    ({"verdict": "conditional"}, "conditions"),
    ({"comment": ""}, "comment"),
    ({"verdict": "maybe"}, "verdict"),
])
def test_incomplete_sign_offs_are_refused(setup, project, api, overrides, field):
    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    error = _error(_decide(api, sid, **overrides), 422, "validation_failed")
    assert field in error["fields"]
    assert db.session.get(Screening, sid).signed_at is None


def test_a_vetoed_screening_can_only_be_rejected(setup, project, api):
    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings", json={"industry_code": "25"}).json["id"]
    api.login("leader")
    assert "存在一票否决项" in _error(_decide(api, sid), 422, "validation_failed")["message"]
    assert _decide(api, sid, verdict="reject", comment="属于限制类产业").status_code == 200
    with pytest.raises(Exception, match="不通过"):
        pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))


def test_a_new_screening_supersedes_an_unsigned_one(setup, project, api):
    api.login("staff_a")
    old = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    new = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    assert "已被更新的预审取代" in _error(_decide(api, old), 409, "conflict")["message"]
    assert _decide(api, new).status_code == 200


def test_other_units_cannot_see_or_prepare(setup, project, api):
    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("staff_b")
    _error(api.get(f"/api/v1/screenings/{sid}"), 404, "not_found")
    _error(api.post(f"/api/v1/projects/{project.id}/screenings"), 404, "not_found")


def test_without_an_active_policy_screening_is_refused(setup, project, api):
    setup.city.active = False
    db.session.commit()
    api.login("staff_a")
    assert "没有启用的准入标准" in _error(api.post(f"/api/v1/projects/{project.id}/screenings"), 422,
                                        "validation_failed")["message"]


# --- policies --------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides,field", [
    ({"weight_tax": 40}, "weight_tax"),
    ({"pass_score": "50", "conditional_score": "60"}, "pass_score"),
    ({"restricted_divisions": ["36"]}, "restricted_divisions"),
    ({"target_divisions": ["99"]}, "target_divisions"),
    ({"veto_below": ["industry_fit"]}, "veto_below"),
    ({"min_tax_per_mu": "-1"}, "min_tax_per_mu"),
    ({"max_energy_per_output": "0"}, "max_energy_per_output"),
    ({"negative_list_codes": ["nonsense"]}, "negative_list_codes"),
])
def test_contradictory_policies_are_refused(setup, api, overrides, field):
    api.login("admin")
    error = _error(api.post("/api/v1/policies", json=CITY | {"name": "新标准"} | overrides), 422, "validation_failed")
    assert field in error["fields"]
    assert db.session.scalar(select(func.count()).select_from(Policy)) == 1


def test_only_admins_create_policies(setup, api):
    api.login("leader")
    _error(api.post("/api/v1/policies", json=CITY), 403, "forbidden")


def test_editing_a_used_policy_makes_a_new_version(setup, project, api):
    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("admin")
    revised = api.post("/api/v1/policies", json={"revises": setup.city.id, "min_tax_per_mu": "25"})
    assert revised.status_code == 201 and revised.json["version"] == 2 and revised.json["active"]
    db.session.expire_all()
    old = db.session.get(Policy, setup.city.id)
    assert old.min_tax_per_mu == 15 and not old.active and policy_rules.is_used(old)
    api.login("staff_a")
    assert api.get(f"/api/v1/screenings/{sid}").json["policy_version"].endswith("v1")
    assert api.post(f"/api/v1/projects/{project.id}/screenings").json["policy_version"].endswith("v2")
    listing = api.get("/api/v1/policies").json
    assert listing["total"] == 2 and [p["version"] for p in listing["items"]] == [2, 1]


def test_the_database_refuses_weights_that_do_not_add_up(setup):
    from sqlalchemy.exc import IntegrityError

    setup.city.weight_tax = 31
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_screening_inputs_stay_exact(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, land_area_mu=Decimal(3),
                             expected_annual_tax_wan=Decimal(1000), fixed_asset_investment_wan=Decimal(900))
    api.login("staff_a")
    body = api.post(f"/api/v1/projects/{project.id}/screenings").json
    assert body["indicators"]["tax_per_mu"].startswith("333.3333333")  # 1000 / 3, unrounded
    assert body["inputs"]["land_area_mu"] == "3.00"


def test_the_screenings_energy_tier_makes_the_energy_review_required(setup, project, api):
    from crm.pipeline.permits import permits_of

    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings", json={"annual_energy_tce": "3000"}).json["id"]
    api.login("leader")
    _decide(api, sid)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", local_today()))
    assert project.annual_energy_tce == 800  # the project's own figure is under 1,000 tce
    assert {pm.kind for pm in permits_of(project) if pm.required} >= {"energy_review"}


# --- review findings ---------------------------------------------------------------------------

def test_missing_figures_are_asked_for_not_scored(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, expected_annual_tax_wan=None,
                             annual_energy_tce=None)
    api.login("staff_a")
    error = _error(api.post(f"/api/v1/projects/{project.id}/screenings"), 422, "validation_failed")
    assert set(error["fields"]) == {"expected_annual_tax_wan", "annual_energy_tce"}
    assert "预审需要达产年税收，请先补充。" in error["message"]


@pytest.mark.parametrize("overrides,field", [
    ({"fixed_asset_investment_wan": "99999999"}, "fixed_asset_investment_wan"),
    ({"land_area_mu": "0.01"}, "land_area_mu"),
    ({"expected_annual_tax_wan": "90000"}, "expected_annual_tax_wan"),
    ({"expected_annual_output_wan": "0"}, "expected_annual_output_wan"),
])
def test_implausible_overrides_are_refused(setup, project, api, overrides, field):
    api.login("staff_a")
    assert field in _error(api.post(f"/api/v1/projects/{project.id}/screenings", json=overrides), 422,
                           "validation_failed")["fields"]


def test_a_threshold_missed_by_a_hair_is_not_met(setup, api, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, expected_annual_tax_wan=Decimal("2249.99"))
    api.login("staff_a")
    body = api.post(f"/api/v1/projects/{project.id}/screenings").json  # 14.99993 万元/亩 against 15
    auth.login("staff_a")
    page = client.get(f"/screenings/{body['id']}").text
    row = page[page.index("亩均税收"):page.index("投资强度")]
    assert "15.00 万元/亩" in row and "未达标" in row


def test_a_newer_unsigned_screening_holds_the_meeting(setup, project, api):
    api.login("staff_a")
    first = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    _decide(api, first, verdict="conditional", conditions="三年内亩均税收达到 20 万元")
    api.login("staff_a")
    api.post(f"/api/v1/projects/{project.id}/screenings", json={"industry_code": "25"})
    from crm.core.errors import GateNotMet

    with pytest.raises(GateNotMet, match="更新的预审尚未签批"):
        pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))


def test_conditional_conditions_go_with_the_approval(setup, project, api):
    from crm.pipeline.models import MeetingApproval

    api.login("staff_a")
    sid = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    _decide(api, sid, verdict="conditional", conditions="三年内亩均税收达到 20 万元")
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))
    assert db.session.scalar(select(MeetingApproval.conditions)) == "三年内亩均税收达到 20 万元"


def test_a_late_sign_off_raises_the_permits(setup, project, api):
    from crm.pipeline.permits import missing_permits

    api.login("staff_a")
    first = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    _decide(api, first)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", local_today()))
    db.session.commit()
    api.login("staff_a")
    again = api.post(f"/api/v1/projects/{project.id}/screenings", json={"annual_energy_tce": "30000"}).json["id"]
    api.login("leader")
    _decide(api, again, verdict="reject", comment="能耗超标，须重新论证")
    db.session.expire_all()
    assert "energy_review" in {pm.kind for pm in missing_permits(project, local_today())}


def test_dropped_projects_are_not_screened(setup, project, api):
    pipeline.drop(setup.staff_a, project, {"effective_date": local_today(), "reason": "strategy_change"})
    db.session.commit()
    api.login("staff_a")
    _error(api.post(f"/api/v1/projects/{project.id}/screenings"), 409, "conflict")


@pytest.mark.parametrize("overrides,field", [
    ({"negative_list_codes": []}, "negative_list_codes"),
    ({"related_divisions": ["36"]}, "related_divisions"),
    ({"allow_no_land": "maybe"}, "allow_no_land"),
])
def test_more_contradictions_are_refused(setup, api, overrides, field):
    api.login("admin")
    error = _error(api.post("/api/v1/policies", json=CITY | {"name": "另一标准"} | overrides), 422,
                   "validation_failed")
    assert field in error["fields"]


def test_false_means_false(setup, api):
    api.login("admin")
    body = api.post("/api/v1/policies", json=CITY | {"name": "备用标准", "active": "false",
                                                     "allow_no_land": "false"}).json
    assert body["active"] is False and body["allow_no_land"] is False
    db.session.expire_all()
    assert db.session.get(Policy, setup.city.id).active  # the city-wide standard is still the active one


def test_one_active_version_per_policy_even_when_the_scope_changes(setup, api):
    api.login("admin")
    api.post("/api/v1/policies", json={"revises": setup.city.id, "scope_unit_id": setup.unit_a.id})
    db.session.expire_all()
    active = db.session.scalars(select(Policy).where(Policy.active.is_(True))).all()
    assert [(p.version, p.scope_unit_id) for p in active] == [(2, setup.unit_a.id)]


def test_long_names_keep_their_version_in_the_label(setup, project, api):
    api.login("admin")
    api.post("/api/v1/policies", json={"revises": setup.city.id, "name": "示" * 200})
    api.login("staff_a")
    assert api.post(f"/api/v1/projects/{project.id}/screenings").json["policy_version"].endswith(" v2")


def test_the_policy_list_does_not_query_per_policy(setup, api):
    from tests.querycount import count_queries

    api.login("admin")
    api.get("/api/v1/policies")  # the first call also records the token's last use
    with count_queries() as few:
        api.get("/api/v1/policies")
    for n in range(5):
        api.post("/api/v1/policies", json=CITY | {"name": f"备用标准{n}", "active": False})
    with count_queries() as many:
        assert [p["used"] for p in api.get("/api/v1/policies").json["items"]] == [False] * 6
    assert len(many) == len(few)


def test_the_page_checklist_and_badge_follow_the_gates_rule(setup, project, api, auth, client):
    """One definition of the current screening: the checklist ticks the screening only when the
    过会 gate would accept it, and the "当前" badge marks the screening the gate is waiting on."""
    api.login("staff_a")
    first = api.post(f"/api/v1/projects/{project.id}/screenings").json["id"]
    api.login("leader")
    _decide(api, first)
    auth.login("staff_a")
    page = client.get(f"/projects/{project.id}").text
    assert "✅ 预审已签批且结论为通过或有条件通过" in page
    api.login("staff_a")
    newer = api.post(f"/api/v1/projects/{project.id}/screenings", json={"industry_code": "25"}).json["id"]
    page = client.get(f"/projects/{project.id}").text
    assert "⬜ 预审已签批且结论为通过或有条件通过" in page
    badge_row = next(line for line in page.splitlines() if "当前</span>" in line)
    assert f"/screenings/{newer}" in badge_row
