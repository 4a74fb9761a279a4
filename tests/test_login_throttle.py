"""Sign-in throttling counts failed attempts only, per account and per address, in the database."""

from datetime import timedelta

from sqlalchemy import select, update

from config import Config, TestingConfig
from crm import create_app
from crm.admin import services as admin_services
from crm.audit.models import AuditEntry
from crm.auth.models import LoginLock
from crm.core.models import utcnow
from crm.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, csrf_token

LOCKED = "账号因多次密码错误已临时锁定，请 15 分钟后再试或联系管理员。"


def _client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _sign_in(app, username: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """One browser at `address` opening /login and submitting the form."""
    client = _client(app)
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=environ)
    data = {"username": username, "password": password, "csrf_token": csrf_token(page.text)}
    return client.post("/login", data=data, environ_base=environ)


def test_twenty_officers_behind_one_address_all_sign_in(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", Config.LOGIN_RATE_LIMIT)  # the shipped default, not the test one
    for n in range(20):
        admin_services.create_user(world.admin, {"username": f"officer{n}", "name": f"专员{n}", "role": "viewer"},
                                   PASSWORD)
    db.session.commit()
    for n in range(20):
        response = _sign_in(app, f"officer{n}", address="10.1.1.1")
        assert response.status_code == 302, (n, response.status_code)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, world):
    for _ in range(4):
        response = _sign_in(app, "staff_a", "wrong-password1")
        assert response.status_code == 200 and "用户名或密码错误。" in response.text
    fifth = _sign_in(app, "staff_a", "wrong-password1")
    assert LOCKED in fifth.text  # told at once, not on the next try
    response = _sign_in(app, "staff_a")
    assert response.status_code == 200
    assert LOCKED in response.text
    assert _sign_in(app, "staff_b").status_code == 302  # other accounts are not affected
    lock = db.session.scalar(select(LoginLock))
    assert (lock.kind, lock.key, lock.user_id, lock.failures) == ("account", "staff_a", world.staff_a.id, 5)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "login_locks"))
    assert entry.action == "insert" and entry.changes["key"] == [None, "staff_a"]


def test_the_lock_expires(app, world):
    for _ in range(5):
        _sign_in(app, "staff_a", "wrong-password1")
    assert LOCKED in _sign_in(app, "staff_a").text
    db.session.execute(update(LoginLock).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _sign_in(app, "staff_a").status_code == 302


def test_a_success_clears_the_streak_and_successes_never_count(app, world):
    for _ in range(4):
        _sign_in(app, "staff_a", "wrong-password1")
    assert _sign_in(app, "staff_a").status_code == 302
    for _ in range(4):
        _sign_in(app, "staff_a", "wrong-password1")
    assert _sign_in(app, "staff_a").status_code == 302
    for _ in range(30):
        assert _sign_in(app, "staff_a").status_code == 302
    assert db.session.scalar(select(LoginLock)) is None


def test_guesses_spread_over_many_addresses_still_lock_the_account(app, world):
    for n in range(5):
        _sign_in(app, "staff_a", "wrong-password1", address=f"203.0.113.{n + 1}")
    assert LOCKED in _sign_in(app, "staff_a", address="198.51.100.7").text


def test_many_failures_from_one_address_lock_that_address(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURES", 3)
    for name in ("nobody1", "nobody2", "nobody3"):
        _sign_in(app, name, "wrong-password1", address="192.0.2.9")
    refused = _sign_in(app, "staff_b", address="192.0.2.9")
    assert refused.status_code == 200 and "该地址登录失败次数过多" in refused.text
    assert _sign_in(app, "staff_b", address="192.0.2.10").status_code == 302


def test_the_api_token_endpoint_follows_the_same_rules(app, world, client):
    for _ in range(4):
        response = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "wrong-password1"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "wrong-password1"})
    assert response.status_code == 429
    response = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json["error"]["message"] == LOCKED
    assert LOCKED in _sign_in(app, "staff_a").text  # one account, one lock, web and API alike


def test_failures_are_shared_by_two_app_instances_on_one_database(app, world):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    second = create_app(config)
    try:
        for _ in range(3):
            _sign_in(app, "staff_a", "wrong-password1")
        for _ in range(2):
            _sign_in(second, "staff_a", "wrong-password1")
        assert LOCKED in _sign_in(app, "staff_a").text
        assert LOCKED in _sign_in(second, "staff_a").text
    finally:
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_flood_guard_counts_failures_only(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(6):
        assert _sign_in(app, "staff_b").status_code == 302
    for _ in range(3):
        _sign_in(app, "nobody", "wrong-password1")
    assert _sign_in(app, "staff_b").status_code == 429  # a flood of failures is still slowed
