"""The JSON API base: tokens, the error shape, users/me, units, chains, the OpenAPI document."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.auth.models import ApiToken
from crm.core.models import utcnow
from crm.extensions import db


def _assert_error(response, status: int, code: str):
    assert response.status_code == status, response.data
    assert response.is_json, response.data[:200]
    body = response.json["error"]
    assert body["code"] == code and body["message"] and isinstance(body["fields"], dict)
    return body


def test_token_then_me(world, api):
    api.login("staff_a")
    me = api.get("/api/v1/users/me")
    assert me.status_code == 200
    assert me.json == {"id": world.staff_a.id, "username": "staff_a", "name": "李晓燕", "role": "staff",
                       "unit_id": world.unit_a.id}


def test_token_is_stored_hashed(world, client):
    token = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "Demo@2026"}).json["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


@pytest.mark.parametrize("body", [
    {"username": "staff_a", "password": "wrong-password1"},
    {"username": "nobody", "password": "Demo@2026"},
])
def test_bad_credentials_get_401_json(world, client, body):
    body = _assert_error(client.post("/api/v1/auth/token", json=body), 401, "unauthorized")
    assert body["message"] == "用户名或密码错误。"


def test_disabled_user_gets_no_token(world, client):
    world.staff_a.active = False
    db.session.commit()
    response = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "Demo@2026"})
    _assert_error(response, 401, "unauthorized")


def test_malformed_json_is_400(world, client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert _assert_error(response, 400, "bad_request")["message"] == "请求体不是有效的 JSON。"


def test_wrong_content_type_is_400(world, client):
    response = client.post("/api/v1/auth/token", data={"username": "staff_a", "password": "Demo@2026"})
    assert "Content-Type: application/json" in _assert_error(response, 400, "bad_request")["message"]


def test_json_array_body_is_400(world, client):
    _assert_error(client.post("/api/v1/auth/token", json=["staff_a"]), 400, "bad_request")


@pytest.mark.parametrize("body,field", [
    ({"password": "Demo@2026"}, "username"),
    ({"username": "x" * 65, "password": "Demo@2026"}, "username"),
    ({"username": "staff_a", "password": 12345678}, "password"),
])
def test_invalid_fields_are_422_with_the_field_named(world, client, body, field):
    body = _assert_error(client.post("/api/v1/auth/token", json=body), 422, "validation_failed")
    assert field in body["fields"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc", "Token abc"])
def test_calls_without_a_valid_token_are_401(world, client, header):
    headers = {"Authorization": header} if header else {}
    _assert_error(client.get("/api/v1/users/me", headers=headers), 401, "unauthorized")


def test_revoked_token_stops_working(world, api):
    api.login("staff_a")
    assert api.delete("/api/v1/auth/token").status_code == 200
    _assert_error(api.get("/api/v1/users/me"), 401, "unauthorized")


def test_expired_token_stops_working(world, api):
    api.login("staff_a")
    db.session.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    _assert_error(api.get("/api/v1/users/me"), 401, "unauthorized")


def test_token_of_a_disabled_user_stops_working(world, api):
    api.login("staff_a")
    world.staff_a.active = False
    db.session.commit()
    _assert_error(api.get("/api/v1/users/me"), 401, "unauthorized")


def test_token_endpoint_is_throttled(world, client, app):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(2):
        client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "nope-nope1"})
    response = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "Demo@2026"})
    _assert_error(response, 429, "too_many_requests")


def test_units_list_is_paged(world, api):
    api.login("staff_b")
    page = api.get("/api/v1/units?per_page=2&page=2")
    assert page.status_code == 200
    assert page.json["total"] == 3 and page.json["page"] == 2 and page.json["per_page"] == 2
    assert [u["name"] for u in page.json["items"]] == ["驻上海招商组"]
    assert page.json["items"][0]["kind"] == "resident_team"


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "page=abc"])
def test_bad_paging_is_422(world, api, query):
    api.login("staff_a")
    _assert_error(api.get(f"/api/v1/units?{query}"), 422, "validation_failed")


def test_chains_list_division_codes(world, api, app):
    from crm.reference.services import create_chain

    create_chain(world.admin, {"name": "生物医药", "division_codes": ["35", "27"]})
    db.session.commit()
    api.login("viewer")
    items = api.get("/api/v1/chains").json["items"]
    assert items == [{"id": items[0]["id"], "name": "生物医药", "description": None, "division_codes": ["27", "35"],
                      "archived": False, "version": 1}]


def test_unknown_api_path_is_json_404(world, api):
    api.login("staff_a")
    _assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_json_405(world, api):
    api.login("staff_a")
    _assert_error(api.post("/api/v1/units", json={}), 405, "method_not_allowed")


def test_openapi_documents_every_api_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, f"{method} {path} is not in the OpenAPI document"
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(spec)))
    assert refs and refs <= set(spec["components"]["schemas"]), refs - set(spec["components"]["schemas"])
    assert "401" in spec["paths"]["/api/v1/users/me"]["get"]["responses"]


def test_a_read_only_call_records_when_the_token_was_last_used(world, api):
    api.login("staff_a")
    assert api.get("/api/v1/users/me").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None
