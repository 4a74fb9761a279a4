"""/api/v1/payouts (DOMAIN §9): the contract names, each status code, totals equal to the rows' sum."""

from __future__ import annotations

from decimal import Decimal

from crm.core.dates import local_today
from crm.extensions import db
from crm.payouts.models import Payout
from tests.test_payouts import contributor, investor, make_project, policy, producing  # noqa: F401

TODAY = local_today().isoformat()


def test_the_whole_flow_over_the_api(world, producing, api):  # noqa: F811
    api.login("staff_a")
    created = api.post("/api/v1/payouts", json=investor(producing, "producing", "120.50") | {"project_id": producing.id})
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["kind"], body["state"], body["amount_wan"], body["period"]) == ("investor", "applied", "120.50", "2026")
    url = f"/api/v1/payouts/{body['id']}"
    patched = api.patch(url, json={"amount_wan": 130, "version": body["version"]})
    assert patched.status_code == 200 and patched.json["amount_wan"] == "130.00"
    assert api.post(url + "/approve", json={}).status_code == 403
    api.login("leader")
    assert api.post(url + "/pay", json={"paid_date": TODAY, "voucher_no": "PZ-1"}).status_code == 422
    approved = api.post(url + "/approve", json={"comment": "同意", "version": patched.json["version"]})
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    paid = api.post(url + "/pay", json={"paid_date": TODAY, "voucher_no": "PZ-1"})
    assert paid.status_code == 200 and (paid.json["state"], paid.json["voucher_no"]) == ("paid", "PZ-1")
    assert api.post(url + "/pay", json={"paid_date": TODAY, "voucher_no": "PZ-2"}).status_code == 409
    assert api.patch(url, json={"amount_wan": 1, "version": paid.json["version"]}).status_code == 409
    reversal = api.post(url + "/reverse", json={"reason": "重复支付"})
    assert reversal.status_code == 201 and reversal.json["amount_wan"] == "-130.00"
    assert reversal.json["reverses_id"] == body["id"]
    assert api.post(url + "/reverse", json={"reason": "再次"}).status_code == 409
    original = api.get(url).json
    assert original["state"] == "reversed" and original["reversed_by_id"] == reversal.json["id"]


def test_contributor_request_over_the_api(world, producing, api):  # noqa: F811
    api.login("head_a")
    bad = api.post("/api/v1/payouts", json=contributor(world, recipients=[{"user_id": world.staff_a.id, "share": 120}])
                   | {"project_id": producing.id})
    assert bad.status_code == 422 and "recipients" in bad.json["error"]["fields"]
    response = api.post("/api/v1/payouts", json=contributor(world) | {"project_id": producing.id})
    assert response.status_code == 201, response.json
    assert [r["share"] for r in response.json["recipients"]] == ["60.00", "40.00"]
    assert response.json["computed_wan"] == "20.00" and response.json["reward_policy_version"] == 1


def test_bad_requests_get_clear_errors(world, producing, api):  # noqa: F811
    api.login("staff_a")
    base = investor(producing, "producing") | {"project_id": producing.id}
    for change, status, field in [({"amount_wan": "-1"}, 422, "amount_wan"), ({"amount_wan": 0}, 422, "amount_wan"),
                                  ({"amount_wan": "501"}, 422, "amount_wan"), ({"kind": "bonus"}, 422, "kind"),
                                  ({"term_id": 999999}, 422, "term_id"), ({"period": ""}, 422, "period")]:
        response = api.post("/api/v1/payouts", json=base | change)
        assert response.status_code == status, (change, response.json)
        assert field in response.json["error"]["fields"], response.json
    assert api.post("/api/v1/payouts", json=base | {"project_id": 999999}).status_code == 404
    assert db.session.query(Payout).count() == 0
    api.login("staff_b")
    assert api.post("/api/v1/payouts", json=base).status_code == 404  # another unit's project leaks nothing


def test_ledger_filters_and_totals_equal_the_rows(world, producing, api):  # noqa: F811
    api.login("staff_a")
    for period, amount in (("2026", "100"), ("2027", "150.25")):
        assert api.post("/api/v1/payouts", json=investor(producing, "producing", amount, period=period)
                        | {"project_id": producing.id}).status_code == 201
    api.post("/api/v1/payouts", json=contributor(world) | {"project_id": producing.id})
    everything = api.get("/api/v1/payouts?per_page=2").json
    assert everything["total"] == 3 and len(everything["items"]) == 2
    assert everything["totals"]["amount_wan"] == "270.25" and everything["totals"]["count"] == 3
    investor_only = api.get("/api/v1/payouts?kind=investor").json
    assert investor_only["totals"]["amount_wan"] == str(sum(Decimal(i["amount_wan"]) for i in investor_only["items"]))
    mine = api.get(f"/api/v1/payouts?recipient_id={world.staff_a.id}").json
    assert [i["kind"] for i in mine["items"]] == ["contributor"]
    assert api.get("/api/v1/payouts?state=paidish").status_code == 422
    api.login("staff_b")
    assert api.get("/api/v1/payouts").json["total"] == 0
    api.login("viewer")
    assert api.get("/api/v1/payouts").json["total"] == 3


def test_openapi_documents_the_payout_endpoints(app, api, world):
    api.login("viewer")
    document = api.get("/api/v1/openapi.json").json
    assert {"/api/v1/payouts", "/api/v1/payouts/{payout_id}", "/api/v1/payouts/{payout_id}/pay",
            "/api/v1/payouts/{payout_id}/reverse"} <= set(document["paths"])
    payout = document["components"]["schemas"]["Payout"]["properties"]
    assert payout["state"]["enum"] == ["applied", "approved", "paid", "rejected", "reversed"]


def test_openapi_describes_the_payout_lists_totals(api, world):
    schemas = api.login("leader").get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["PayoutPage"]["properties"]["totals"]["$ref"].endswith("/PayoutTotals")
    assert set(schemas["PayoutTotals"]["properties"]) == {"count", "amount_wan", "by_state"}
    listed = api.get("/api/v1/payouts").json
    assert set(listed["totals"]) == set(schemas["PayoutTotals"]["properties"])
