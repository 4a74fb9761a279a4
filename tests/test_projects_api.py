"""The projects API (DOMAIN.md §9): each status code, same rules as the web."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.projects.models import Project
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, finish_permits, gate_data, signed_screening

USCC = "91310000MA1FL8L971"
D0 = date.today() - timedelta(days=200)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def new_project(world, **overrides):
    data = {
        "name": "年产5万吨锂电池正极材料项目", "investor_name": "示范新能源材料（上海）有限公司", "investor_uscc": USCC,
        "industry_code": "38", "source": "resident_team", "unit_id": world.unit_a.id, "owner_id": world.staff_a.id,
        "total_investment_wan": "150000", "fixed_asset_investment_wan": 120000, "land_area_mu": "300",
        "expected_annual_output_wan": "400000", "expected_annual_tax_wan": "12000", "annual_energy_tce": "15000",
        "jobs": 800, "kind": "new", "fund_origin": "province_outside",
        "contacts": [{"name": "赵总", "title": "副总裁", "phone": "13900000000"}],
    }
    return data | overrides


def _error(response, status, code):
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    return response.json["error"]


def test_create_read_and_list(setup, api):
    api.login("staff_a")
    created = api.post("/api/v1/projects", json=new_project(setup))
    assert created.status_code == 201
    body = created.json
    assert body["stage"] == "talks" and body["status"] == "active" and body["version"] == 1
    assert body["total_investment_wan"] == "150000.00" and body["investor_uscc"] == USCC
    assert "incentive_terms" not in body and body["possible_duplicates"] == []
    fetched = api.get(f"/api/v1/projects/{body['id']}").json
    assert fetched["name"] == "年产5万吨锂电池正极材料项目"
    listing = api.get("/api/v1/projects?stage=talks").json
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]


@pytest.mark.parametrize("overrides,field", [
    ({"investor_uscc": "91310000MA1FL8L972"}, "investor_uscc"),
    ({"total_investment_wan": "-1"}, "total_investment_wan"),
    ({"total_investment_wan": "999999999999"}, "total_investment_wan"),
    ({"fixed_asset_investment_wan": "200000"}, "fixed_asset_investment_wan"),
    ({"land_area_mu": "0"}, "land_area_mu"),
    ({"industry_code": "99"}, "industry_code"),
    ({"source": "rumour"}, "source"),
    ({"name": ""}, "name"),
    ({"name": "项" * 201}, "name"),
    ({"kind": "capital_increase"}, "parent_project_id"),
    ({"fund_origin": "foreign"}, "foreign_investment_usd_wan"),
    ({"jobs": "many"}, "jobs"),
])
def test_invalid_projects_are_422_and_nothing_is_stored(setup, api, overrides, field):
    api.login("staff_a")
    error = _error(api.post("/api/v1/projects", json=new_project(setup, **overrides)), 422, "validation_failed")
    assert field in error["fields"], error
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_staff_cannot_record_for_another_unit(setup, api):
    api.login("staff_b")
    error = _error(api.post("/api/v1/projects", json=new_project(setup)), 422, "validation_failed")
    assert "unit_id" in error["fields"]


def test_other_units_projects_are_invisible(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_b")
    _error(api.get(f"/api/v1/projects/{project.id}"), 404, "not_found")
    _error(api.patch(f"/api/v1/projects/{project.id}", json={"name": "x", "version": 1}), 404, "not_found")
    _error(api.get(f"/api/v1/projects/{project.id}/history"), 404, "not_found")
    _error(api.post(f"/api/v1/projects/{project.id}/transitions", json={"to": "on_hold"}), 404, "not_found")
    assert api.get("/api/v1/projects").json["total"] == 0


def test_viewer_reads_but_cannot_write(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("viewer")
    assert api.get(f"/api/v1/projects/{project.id}").status_code == 200
    _error(api.patch(f"/api/v1/projects/{project.id}", json={"name": "x", "version": 1}), 403, "forbidden")


def test_patch_with_version_and_stale_conflict(setup, api):
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json
    first = api.patch(f"/api/v1/projects/{body['id']}", json={"jobs": 900, "version": 1})
    assert first.status_code == 200 and first.json["jobs"] == 900 and first.json["version"] == 2
    stale = api.patch(f"/api/v1/projects/{body['id']}", json={"jobs": 100, "version": 1})
    assert "已被他人修改" in _error(stale, 409, "conflict")["message"]
    assert api.get(f"/api/v1/projects/{body['id']}").json["jobs"] == 900
    _error(api.patch(f"/api/v1/projects/{body['id']}", json={"jobs": 100}), 409, "conflict")


def test_history_shows_before_and_after(setup, api):
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json
    api.patch(f"/api/v1/projects/{body['id']}", json={"total_investment_wan": "160000", "version": 1})
    history = api.get(f"/api/v1/projects/{body['id']}/history").json["items"]
    assert [(h["record_type"], h["action"]) for h in history] == [
        ("projects", "insert"), ("project_contacts", "insert"), ("projects", "update")]
    assert history[1]["changes"]["name"] == [None, "赵总"]
    assert history[2]["changes"]["total_investment_wan"] == ["150000.00", "160000.00"]
    assert history[2]["actor"] == "staff_a" and history[2]["source"] == "api"


def test_duplicates_are_flagged_across_units(setup, api):
    ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, investor_name="示范新能源材料(上海)有限责任公司",
                   investor_name_norm="示范新能源材料上海")
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json
    assert [d["reason"] for d in body["possible_duplicates"]] == ["投资方名称相同"]
    assert body["possible_duplicates"][0]["unit_id"] == setup.unit_b.id


def test_walk_to_started_through_the_api(setup, api):
    api.login("staff_a")
    pid = api.post("/api/v1/projects", json=new_project(setup)).json["id"]
    refused = api.post(f"/api/v1/projects/{pid}/transitions", json=gate_data("approved", D0))
    assert "缺少已签批的项目预审" in _error(refused, 422, "gate_not_met")["message"]
    signed_screening(db.session.get(Project, pid), setup.leader)
    assert api.post(f"/api/v1/projects/{pid}/transitions", json=gate_data("approved", D0)).status_code == 201
    signed = api.post(f"/api/v1/projects/{pid}/transitions", json=gate_data("signed", D0 + timedelta(days=10)))
    assert signed.status_code == 201 and signed.json["to"] == "signed"
    project = api.get(f"/api/v1/projects/{pid}").json
    assert [t["cap_wan"] for t in project["incentive_terms"]] == ["500.00"] and project["incentive_terms"][0]["id"]
    permits = api.get(f"/api/v1/projects/{pid}/permits").json["items"]
    assert {p["kind"] for p in permits if p["required"]} == {"filing", "planning", "construction", "eia",
                                                             "energy_review"}
    start = gate_data("started", D0 + timedelta(days=40))
    missing = _error(api.post(f"/api/v1/projects/{pid}/transitions", json=start), 422, "gate_not_met")
    assert "节能审查" in missing["message"] and "permits" in missing["fields"]
    for permit in permits:
        done = api.patch(f"/api/v1/permits/{permit['id']}",
                         json={"done_date": (D0 + timedelta(days=35)).isoformat(), "version": permit["version"]})
        assert done.status_code == 200 and done.json["done_date"]
    assert api.post(f"/api/v1/projects/{pid}/transitions", json=start).status_code == 201
    transitions = api.get(f"/api/v1/projects/{pid}/transitions").json["items"]
    assert [(t["from"], t["to"]) for t in transitions] == [("talks", "approved"), ("approved", "signed"),
                                                           ("signed", "started")]
    assert transitions[0]["effective_date"] == D0.isoformat() and transitions[0]["actor"] == "staff_a"


def test_permit_done_date_in_the_future_is_refused(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    from crm.pipeline import services as pipeline

    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    db.session.commit()
    api.login("staff_a")
    permit = api.get(f"/api/v1/projects/{project.id}/permits").json["items"][0]
    future = (date.today() + timedelta(days=3)).isoformat()
    _error(api.patch(f"/api/v1/permits/{permit['id']}", json={"done_date": future, "version": permit["version"]}),
           422, "validation_failed")


def test_transition_to_unknown_target_is_422(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    _error(api.post(f"/api/v1/projects/{project.id}/transitions", json={"to": "launched"}), 422, "validation_failed")


def test_malformed_transition_lists_are_422_not_500(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    api.login("staff_a")
    api.post(f"/api/v1/projects/{project.id}/transitions", json=gate_data("approved", D0))
    bad = gate_data("signed", D0, commitments="lots", incentive_terms=[1, 2])
    _error(api.post(f"/api/v1/projects/{project.id}/transitions", json=bad), 422, "gate_not_met")


def test_list_filters_and_bad_filters(setup, api):
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=200000)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=5000, fixed_asset_investment_wan=4000)
    api.login("leader")
    assert api.get("/api/v1/projects?tier=1b").json["total"] == 1
    assert api.get(f"/api/v1/projects?unit_id={setup.unit_b.id}").json["total"] == 0
    _error(api.get("/api/v1/projects?stage=done"), 422, "validation_failed")
    _error(api.get("/api/v1/projects?created_from=yesterday"), 422, "validation_failed")


def test_archive_keeps_the_record(setup, api):
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json
    archived = api.post(f"/api/v1/projects/{body['id']}/archive", json={"version": 1})
    assert archived.status_code == 200 and archived.json["archived"] is True
    assert api.get("/api/v1/projects").json["total"] == 0
    assert api.get(f"/api/v1/projects/{body['id']}").status_code == 200
    _error(api.patch(f"/api/v1/projects/{body['id']}", json={"jobs": 1, "version": archived.json["version"]}),
           403, "forbidden")


def test_full_walk_marks_amount_changes_after_signing(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    from crm.pipeline import services as pipeline

    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    finish_permits(project, D0)
    db.session.commit()
    api.login("staff_a")
    changed = api.patch(f"/api/v1/projects/{project.id}",
                        json={"total_investment_wan": "45000", "version": project.version})
    assert changed.status_code == 200 and changed.json["amounts_changed_after_signing"] is True


def test_timestamps_carry_their_time_zone(setup, api):
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json
    fetched = api.get(f"/api/v1/projects/{body['id']}").json
    assert fetched["created_at"].endswith("+00:00") and fetched["updated_at"].endswith("+00:00")
