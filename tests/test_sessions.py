"""Web sessions live in the database: a captured cookie dies with logout, password change or an admin action."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from crm.admin import services as admin_services
from crm.auth.models import UserSession
from crm.core.models import as_utc, utcnow
from crm.extensions import db
from tests.conftest import AuthActions, IsolatedClient


def _new_client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _replay(app, cookie: str):
    """A stranger's browser holding a copy of the captured session cookie."""
    other = _new_client(app)
    other.set_cookie("session", cookie)
    return other.get("/")


def _signed_in(app, username: str):
    client = _new_client(app)
    assert AuthActions(client).login(username).status_code == 302
    return client, client.get_cookie("session").value


def _is_home(response) -> bool:
    return response.status_code == 200 and "您好" in response.text


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


def test_a_copied_cookie_works_while_signed_in_and_dies_at_logout(app, world):
    client, cookie = _signed_in(app, "staff_a")
    assert _is_home(_replay(app, cookie))
    AuthActions(client).logout()
    assert _is_sent_to_login(_replay(app, cookie))
    assert _is_sent_to_login(client.get("/"))


def test_logout_ends_only_that_session(app, world):
    office, _cookie = _signed_in(app, "staff_a")
    _home, home_cookie = _signed_in(app, "staff_a")
    AuthActions(office).logout()
    assert _is_home(_replay(app, home_cookie))


def test_password_change_ends_the_other_sessions_but_not_this_one(app, world):
    office, office_cookie = _signed_in(app, "staff_a")
    _home, home_cookie = _signed_in(app, "staff_a")
    response = AuthActions(office).post_form("/account/password", {
        "current_password": "Demo@2026", "new_password": "NewPass2026", "confirm": "NewPass2026"})
    assert response.status_code == 302
    assert _is_sent_to_login(_replay(app, home_cookie))
    assert _is_home(office.get("/"))
    assert _is_home(_replay(app, office_cookie))


@pytest.mark.parametrize("action", ["reset_password", "disable", "archive"])
def test_admin_actions_end_every_session_of_the_user(app, world, action):
    _client, cookie = _signed_in(app, "staff_a")
    user = world.staff_a
    if action == "reset_password":
        admin_services.reset_password(world.admin, user, "Reset2026pw")
    elif action == "disable":
        admin_services.update_user(world.admin, user, {"active": False}, user.version)
    else:
        admin_services.archive_user(world.admin, user, user.version)
    db.session.commit()
    assert _is_sent_to_login(_replay(app, cookie))
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert sessions and all(s.revoked_at is not None for s in sessions)
    if action == "reset_password":  # the new password signs in afresh
        assert AuthActions(_new_client(app)).login("staff_a", "Reset2026pw").status_code == 302


def test_admin_reset_from_the_web_page_ends_the_session(app, world):
    _client, cookie = _signed_in(app, "staff_a")
    admin, _ = _signed_in(app, "admin")
    page = f"/admin/users/{world.staff_a.id}"
    response = AuthActions(admin).post_form(f"{page}/password", {"password": "Reset2026pw"}, form_page=page)
    assert response.status_code == 302, response.text
    assert _is_sent_to_login(_replay(app, cookie))


def test_the_session_row_keeps_only_a_hash_and_who_signed_in_from_where(app, world):
    client = _new_client(app)
    AuthActions(client).login("staff_a")
    row = db.session.scalar(select(UserSession))
    assert row.user_id == world.staff_a.id and row.revoked_at is None
    assert row.ip == "127.0.0.1"
    assert len(row.session_hash) == 64
    assert row.session_hash not in client.get_cookie("session").value


def test_last_seen_is_written_at_most_every_few_minutes(app, world):
    client = _new_client(app)
    AuthActions(client).login("staff_a")
    first = as_utc(db.session.scalar(select(UserSession.last_seen_at)))
    client.get("/")
    assert as_utc(db.session.scalar(select(UserSession.last_seen_at))) == first  # no write per request
    earlier = utcnow() - timedelta(minutes=10)
    db.session.execute(update(UserSession).values(last_seen_at=earlier))
    db.session.commit()
    assert _is_home(client.get("/"))
    assert as_utc(db.session.scalar(select(UserSession.last_seen_at))) > earlier + timedelta(minutes=9)


def test_a_session_idle_past_its_lifetime_is_refused_server_side(app, world):
    client = _new_client(app)
    AuthActions(client).login("staff_a")
    old = utcnow() - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1)
    db.session.execute(update(UserSession).values(last_seen_at=old))
    db.session.commit()
    assert _is_sent_to_login(client.get("/"))
