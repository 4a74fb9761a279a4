"""Trips over the API (DOMAIN §9): the contract names, each status code, and a real-HTTP race."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.core.dates import local_today
from crm.domain import TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.trips.models import Trip
from tests.factories import ProjectFactory, UserFactory
from tests.test_concurrency import THREADS, Http, race


def _day(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


def body(world, **overrides) -> dict:
    return {"traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id, "start_date": _day(10),
            "end_date": _day(12), "destination_province": "江苏省", "destination_city": "苏州市",
            "purpose": "拜访苏州工业园区的电子信息企业", "budget_wan": 0.8,
            "targets": [{"company_name": "苏州示范电子有限公司", "contact": "周经理", "topic": "扩产选址"}]} | overrides


def _trips() -> int:
    return db.session.scalar(select(func.count()).select_from(Trip))


def _approved_trip(api, world, **overrides) -> dict:
    api.login("staff_a")
    trip = api.post("/api/v1/trips", json=body(world, **overrides)).json
    trip = api.post(f"/api/v1/trips/{trip['id']}/submit", json={"version": trip["version"]}).json
    api.login("head_a")
    return api.post(f"/api/v1/trips/{trip['id']}/approve", json={"version": trip["version"]}).json


def test_file_submit_approve_and_read_back(world, api):
    api.login("staff_a")
    created = api.post("/api/v1/trips", json=body(world))
    assert created.status_code == 201, created.json
    trip = created.json
    assert trip["state"] == "draft" and trip["version"] == 1 and trip["late"] is False
    assert trip["traveller_ids"] == [world.staff_a.id] and trip["budget_wan"] == "0.80"
    assert trip["targets"][0]["id"] and trip["targets"][0]["company_name"] == "苏州示范电子有限公司"
    submitted = api.post(f"/api/v1/trips/{trip['id']}/submit", json={"version": 1})
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    assert submitted.json["report_due_date"] > _day(12)
    api.login("head_a")
    approved = api.post(f"/api/v1/trips/{trip['id']}/approve", json={"version": 2, "comment": "同意"})
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    listed = api.get("/api/v1/trips?state=approved").json
    assert listed["total"] == 1 and listed["items"][0]["id"] == trip["id"]


def test_patch_carries_the_version(world, api):
    api.login("staff_a")
    trip = api.post("/api/v1/trips", json=body(world)).json
    changed = api.patch(f"/api/v1/trips/{trip['id']}", json={"version": 1, "purpose": "改为洽谈供应链配套"})
    assert changed.status_code == 200 and changed.json["purpose"] == "改为洽谈供应链配套"
    stale = api.patch(f"/api/v1/trips/{trip['id']}", json={"version": 1, "purpose": "旧版本"})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"


@pytest.mark.parametrize("overrides, field", [
    ({"end_date": _day(5)}, "end_date"),
    ({"start_date": _day(3000), "end_date": _day(3001)}, "start_date"),
    ({"traveller_ids": [987654]}, "traveller_ids"),
    ({"budget_wan": -2}, "budget_wan"),
    ({"destination_city": "深圳市"}, "destination_city"),
])
def test_bad_filings_get_422_naming_the_field_and_store_nothing(world, api, overrides, field):
    api.login("staff_a")
    response = api.post("/api/v1/trips", json=body(world, **overrides))
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    assert _trips() == 0


def test_traveller_of_another_unit_and_a_project_of_another_unit_are_refused(world, api):
    api.login("staff_a")
    response = api.post("/api/v1/trips", json=body(world, traveller_ids=[world.staff_a.id, world.staff_b.id]))
    assert response.status_code == 422 and "跨单位" in response.json["error"]["message"]
    other = ProjectFactory(unit=world.unit_b, owner=world.staff_b)
    targets = [{"company_name": "某公司", "topic": "回访", "project_id": other.id}]
    response = api.post("/api/v1/trips", json=body(world, targets=targets))
    assert response.status_code == 422 and "出行单位" in response.json["error"]["message"]
    assert _trips() == 0


def test_no_targets_cannot_be_submitted(world, api):
    api.login("staff_a")
    trip = api.post("/api/v1/trips", json=body(world, targets=[])).json
    response = api.post(f"/api/v1/trips/{trip['id']}/submit", json={"version": 1})
    assert response.status_code == 422 and "targets" in response.json["error"]["fields"]


def test_statuses_401_403_404_and_400(world, api):
    assert api.get("/api/v1/trips").status_code == 401
    api.login("viewer")
    assert api.post("/api/v1/trips", json=body(world)).status_code == 422  # a viewer may file for no unit
    api.login("staff_a")
    trip = api.post("/api/v1/trips", json=body(world)).json
    api.post(f"/api/v1/trips/{trip['id']}/submit", json={"version": 1})
    assert api.post(f"/api/v1/trips/{trip['id']}/approve", json={"version": 2}).status_code == 403
    assert api.post("/api/v1/trips/99999/approve", json={"version": 1}).status_code == 404
    assert api.post(f"/api/v1/trips/{trip['id']}/approve", data="x").status_code == 400
    api.login("staff_b")
    assert api.get(f"/api/v1/trips/{trip['id']}").status_code == 404


def test_report_before_the_end_and_twice(world, api):
    trip = _approved_trip(api, world)
    api.login("staff_a")
    report = {"version": trip["version"], "expenses_wan": "0.5",
              "targets": [{"target_id": trip["targets"][0]["id"], "visited": True, "outcome": "达成意向"}]}
    early = api.post(f"/api/v1/trips/{trip['id']}/report", json=report)
    assert early.status_code == 422 and "尚未结束" in early.json["error"]["message"]
    db.session.get(Trip, trip["id"]).end_date = local_today()  # back home today
    db.session.get(Trip, trip["id"]).start_date = local_today() - timedelta(days=1)
    db.session.commit()
    report["version"] = db.session.get(Trip, trip["id"]).version
    negative = api.post(f"/api/v1/trips/{trip['id']}/report", json=report | {"expenses_wan": "-1"})
    assert negative.status_code == 422 and "expenses_wan" in negative.json["error"]["fields"]
    done = api.post(f"/api/v1/trips/{trip['id']}/report", json=report)
    assert done.status_code == 200 and done.json["state"] == "reported" and done.json["targets"][0]["visited"]
    twice = api.post(f"/api/v1/trips/{trip['id']}/report", json=report | {"version": done.json["version"]})
    assert "重复" in twice.json["error"]["message"]
    assert twice.status_code == 409


def test_a_target_becomes_a_lead(world, api):
    trip = _approved_trip(api, world)
    api.login("staff_a")
    url = f"/api/v1/trips/{trip['id']}/targets/{trip['targets'][0]['id']}/lead"
    assert api.post(url, json={}).status_code == 422
    created = api.post(url, json={"industry_code": "39", "total_investment_wan": "30000",
                                  "fund_origin": "province_outside"})
    assert created.status_code == 201, created.json
    assert created.json["source"] == "trip" and created.json["investor_name"] == "苏州示范电子有限公司"
    again = api.get(f"/api/v1/trips/{trip['id']}").json
    assert again["targets"][0]["project_id"] == created.json["id"] and again["targets"][0]["lead_created"]
    assert api.post(url, json={"industry_code": "39", "total_investment_wan": "1",
                               "fund_origin": "local"}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1


def test_openapi_names_the_trip_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/trips", "/api/v1/trips/{trip_id}/report"} <= set(spec["paths"])
    assert "report_due_date" in spec["components"]["schemas"]["Trip"]["properties"]


def test_concurrent_approve_and_reject_one_wins(world, live_server, api):
    UserFactory(username="leader2", name="赵副局长", role="leader", unit=world.bureau)
    api.login("staff_a")
    trip = api.post("/api/v1/trips", json=body(world)).json
    trip = api.post(f"/api/v1/trips/{trip['id']}/submit", json={"version": 1}).json
    deciders = [Http(live_server).api_login(("head_a", "leader", "leader2")[i % 3]) for i in range(THREADS)]
    calls = [(deciders[i], "POST", f"/api/v1/trips/{trip['id']}/{('approve', 'reject')[i % 2]}",
              {"json_body": {"version": trip["version"], "comment": "意见"}}) for i in range(THREADS)]
    results = race(calls)
    statuses = [status for status, _body in results]
    assert statuses.count(200) == 1 and statuses.count(409) == THREADS - 1, results
    winner = json.loads(results[statuses.index(200)][1])
    assert db.session.get(Trip, trip["id"]).state == TripState(winner["state"])
