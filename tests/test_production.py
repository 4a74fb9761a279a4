"""The README's production steps, run as an operator would: real processes, real gunicorn, a real key.

Each step is a subprocess with a clean environment (INVESTTRACK_CONFIG=production, a 64-hex
SECRET_KEY, DATABASE_URL), so the configuration is read exactly as it is on a server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ADMIN_PASSWORD = "Strong2026admin"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "FLASK_APP"}}
    env.update(INVESTTRACK_CONFIG="production", PYTHONUNBUFFERED="1", **extra)
    return env


def _flask(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{process.stderr.read()}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer {url} within {seconds}s")


@pytest.fixture
def database_url(request, tmp_path):
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        name = f"prod_{secrets.token_hex(4)}"
        server.create_database(name)
        return server.url(name)
    return f"sqlite:///{tmp_path / 'production.sqlite'}"


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_readme_production_steps_work_end_to_end(database_url):
    env = _env(SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url)

    for step in (["db", "upgrade"], ["seed"]):
        result = _flask(env, *step)
        assert result.returncode == 0, result.stderr
    created = _flask(env, "user", "create-admin", "admin", stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert created.returncode == 0, created.stderr
    assert "administrator admin created" in created.stdout

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # README: a trial on plain http needs SESSION_COOKIE_SECURE=0 for the browser to send the cookie back.
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env={**env, "SESSION_COOKIE_SECURE": "0"}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        # While gunicorn boots: the demo loader must refuse a production database.
        demo = _flask(env, "demo", "load")
        assert demo.returncode != 0
        assert "production" in demo.stdout + demo.stderr
        _wait_until_up(f"{base}/healthz", server)
        assert _get(f"{base}/login") == 200
        # Over plain http the Secure session cookie is not sent back, so sign in through the API.
        status, body = _post_json(f"{base}/api/v1/auth/token", {"username": "admin", "password": ADMIN_PASSWORD})
        assert status == 201, body
        me = urllib.request.Request(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {body['token']}"})
        with urllib.request.urlopen(me, timeout=5) as response:
            assert json.loads(response.read())["role"] == "admin"
        status, body = _post_json(f"{base}/api/v1/auth/token", {"username": "admin", "password": "wrong-pass1"})
        assert status == 401
        _web_sign_in_and_out(base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _web_sign_in_and_out(base: str) -> None:
    """A browser signs in, is served by both workers, signs out; a copy of its cookie then stops working."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{base}/login", timeout=5).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": token})
    home = browser.open(f"{base}/login", data=form.encode(), timeout=5)
    assert home.url == f"{base}/"
    for _ in range(4):  # whichever worker answers, the session is in the database
        assert "系统管理员" in browser.open(f"{base}/", timeout=5).read().decode()
    cookie = next(c.value for c in jar if c.name == "session")
    page = browser.open(f"{base}/", timeout=5).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    browser.open(f"{base}/logout", data=urllib.parse.urlencode({"csrf_token": token}).encode(), timeout=5)
    replay = urllib.request.Request(f"{base}/", headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(replay, timeout=5) as response:
        assert response.url.startswith(f"{base}/login")


def _start_production(env: dict) -> subprocess.CompletedProcess:
    code = "from config import config_from_env; c = config_from_env(); print(len(c.SECRET_KEY))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_production_config_accepts_a_real_key_from_the_environment():
    key = secrets.token_hex(32)
    result = _start_production(_env(SECRET_KEY=key, DATABASE_URL="postgresql+psycopg://u@/db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "64"


@pytest.mark.parametrize("secret", [None, "", "too-short-0123456789", "dev-only-not-secret", "testing-secret"])
def test_production_config_refuses_a_missing_short_or_known_key(secret):
    env = _env(DATABASE_URL="postgresql+psycopg://u@/db")
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = _start_production(env)
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_config_refuses_to_start_without_database_url():
    result = _start_production(_env(SECRET_KEY=secrets.token_hex(32)))
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr and "DATABASE_URL" in result.stderr
