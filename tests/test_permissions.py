"""Every endpoint is tried anonymously and by users who must not pass; the rules themselves, too."""

import re

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.core.permissions import Action, can, scope
from crm.extensions import db

PUBLIC_ENDPOINTS = {"auth.login", "main.set_language", "main.healthz", "static", "bootstrap.static",
                    "api.create_token", "api.openapi_document"}
ARG_VALUES = {"kind": "negative_list", "code": "en"}


def _urls(app, prefix=""):
    """(method, url, endpoint) for every route, path arguments filled with 1 or a valid word."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or not rule.endpoint.startswith(prefix):
            continue
        url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: ARG_VALUES.get(m.group(2), "1"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, rule.endpoint


def test_every_web_page_needs_login(app, client):
    checked = 0
    for method, url, endpoint in _urls(app):
        if endpoint.startswith("api."):
            continue
        response = client.open(url, method=method)
        # A POST without a CSRF token is refused before anything else (400); GETs go to the login page.
        if method == "POST":
            assert response.status_code in (302, 400), (method, url)
        else:
            assert response.status_code == 302 and "/login" in response.location, (method, url)
        checked += 1
    assert checked > 15


def test_every_api_endpoint_needs_a_token(app, client):
    checked = 0
    for method, url, _endpoint in _urls(app, "api."):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized", (method, url)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("username", ["staff_a", "staff_b", "head_a", "leader", "viewer"])
def test_admin_screens_are_for_admins_only(world, auth, client, app, username):
    auth.login(username)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").text).group(1)
    for method, url, endpoint in _urls(app):
        if not (endpoint.startswith("admin.") or endpoint in {
            "reference.new_chain", "reference.edit_chain", "reference.archive_chain",
            "reference.list_items", "reference.edit_list_item", "reference.archive_list_item"}):
            continue
        response = client.open(url, method=method, data={"csrf_token": token, "name": "x"})
        assert response.status_code == 403, (username, method, url)
        assert "没有权限" in response.text
    # Nothing was changed by any of those attempts.
    assert db.session.scalar(select(User).where(User.name == "x")) is None


def test_forbidden_page_is_friendly_chinese(world, auth, client):
    auth.login("staff_a")
    page = client.get("/admin/users")
    assert page.status_code == 403
    assert "没有权限" in page.text and "返回首页" in page.text


def test_reference_pages_are_readable_by_everyone_signed_in(world, auth, client):
    auth.login("staff_b")
    assert client.get("/reference/chains").status_code == 200
    assert "计算机、通信和其他电子设备制造业" in client.get("/reference/industries").text


RULES = [
    # role, action, own unit?, allowed
    ("admin", Action.MANAGE, False, True),
    ("leader", Action.MANAGE, False, False),
    ("leader", Action.APPROVE, False, True),
    ("leader", Action.WRITE, False, True),
    ("viewer", Action.READ, False, True),
    ("viewer", Action.WRITE, False, False),
    ("unit_head", Action.APPROVE, True, True),
    ("unit_head", Action.APPROVE, False, False),
    ("unit_head", Action.READ, False, False),
    ("staff", Action.WRITE, True, True),
    ("staff", Action.APPROVE, True, False),
    ("staff", Action.READ, False, False),
    ("staff", Action.WRITE, False, False),
]


@pytest.mark.parametrize("role,action,own,allowed", RULES)
def test_permission_rules(world, role, action, own, allowed):
    user = {"admin": world.admin, "leader": world.leader, "viewer": world.viewer,
            "unit_head": world.head_a, "staff": world.staff_a}[role]
    unit_id = world.unit_a.id if own else world.unit_b.id
    assert can(user, action, unit_id) is allowed


def test_disabled_user_can_do_nothing(world):
    world.admin.active = False
    assert not can(world.admin, Action.READ, world.unit_a.id)


def test_scope_limits_staff_to_their_unit(world):
    def visible(user):
        return set(db.session.scalars(scope(select(User.username), user, User.unit_id)))

    assert visible(world.staff_b) == {"staff_b"}
    assert visible(world.head_a) == {"head_a", "staff_a"}
    assert "staff_b" in visible(world.leader) and "staff_a" in visible(world.viewer)
