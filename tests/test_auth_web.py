"""Signing in and out on the web, as an officer at the bureau would."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.auth.models import ApiToken
from crm.extensions import db
from tests.conftest import csrf_token


def test_login_page_is_in_chinese(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "用户名" in page.text and "密码" in page.text and "登录" in page.text


def test_demo_user_logs_in_and_sees_home(world, auth, client):
    response = auth.login("staff_a")
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/")
    assert "您好，李晓燕" in home.text
    assert "先进制造产业招商组" in home.text


@pytest.mark.parametrize("username,password", [("staff_a", "wrong-password1"), ("nobody", "Demo@2026")])
def test_wrong_password_and_unknown_user_get_the_same_message(world, auth, client, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert "用户名或密码错误。" in response.text
    assert client.get("/").status_code == 302  # still not signed in


def test_disabled_user_is_told_and_not_signed_in(world, auth, client):
    world.staff_a.active = False
    db.session.commit()
    response = auth.login("staff_a")
    assert "该账号已停用，请联系系统管理员。" in response.text
    assert client.get("/").status_code == 302


def test_disabling_a_signed_in_user_ends_their_session(world, auth, client):
    auth.login("staff_a")
    world.staff_a.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_missing_or_forged_csrf_token_is_refused(world, client, token):
    data = {"username": "staff_a", "password": "Demo@2026"}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "页面已过期或来源不明，请刷新后重新提交。" in response.text
    assert client.get("/").status_code == 302


def test_next_goes_to_a_local_page(world, auth):
    response = auth.login("admin", next_url="/admin/units")
    assert response.location == "/admin/units"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(world, auth, target):
    response = auth.login("admin", next_url=target)
    assert response.location == "/"


def test_login_required_redirects_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_logout_needs_post_with_csrf_and_ends_session(world, auth, client):
    auth.login("staff_a")
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert client.get("/").status_code == 302


def test_session_cookie_expires(world, auth, client, app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=12)
    response = auth.login("staff_a")
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie


def test_repeated_failed_logins_are_throttled(world, auth, client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        auth.login("staff_a", "wrong-password1")
    response = auth.login("staff_a")  # even the right password waits
    assert response.status_code == 429
    assert "登录尝试过于频繁，请稍后再试。" in response.text


def test_over_long_username_is_refused_cleanly(world, auth):
    response = auth.login("x" * 5000)
    assert response.status_code == 200
    assert "字段长度不能超过 64 个字符。" in response.text


def _change_password(auth, current, new, confirm=None):
    return auth.post_form("/account/password", {
        "current_password": current, "new_password": new, "confirm": confirm or new,
    })


def test_change_password(world, auth, client, api):
    api.login("staff_a")
    auth.login("staff_a")
    response = _change_password(auth, "Demo@2026", "NewPass2026")
    assert response.status_code == 302
    auth.logout()
    assert auth.login("staff_a", "Demo@2026").status_code == 200  # old password refused
    assert auth.login("staff_a", "NewPass2026").status_code == 302
    assert api.get("/api/v1/users/me").status_code == 401  # tokens died with the old password
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken)))


@pytest.mark.parametrize("current,new,confirm,message", [
    ("wrong-password1", "NewPass2026", None, "当前密码不正确。"),
    ("Demo@2026", "short1", None, "密码长度为 8–128 位。"),
    ("Demo@2026", "onlyletters", None, "密码至少 8 位，须同时包含字母和数字。"),
    ("Demo@2026", "NewPass2026", "Different2026", "两次输入的新密码不一致。"),
])
def test_bad_password_changes_are_explained_and_change_nothing(world, auth, current, new, confirm, message):
    auth.login("staff_a")
    response = _change_password(auth, current, new, confirm)
    assert response.status_code == 200
    assert message in response.text
    db.session.refresh(world.staff_a)
    assert world.staff_a.check_password("Demo@2026")


def test_csrf_token_present_on_every_form(world, auth, client):
    auth.login("admin")
    for url in ["/account/password", "/admin/users/new", "/admin/units/new", "/reference/chains/new"]:
        assert csrf_token(client.get(url).text)
