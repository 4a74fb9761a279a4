"""A tiny keep-alive HTTP client for the benchmark: one connection, the session cookie, a timeout."""

from __future__ import annotations

import http.client
import json
import re
import time
from urllib.parse import urlencode


class Client:
    def __init__(self, port: int, cookie: str | None = None, headers: dict | None = None) -> None:
        self.port, self.cookie, self.headers = port, cookie, headers or {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 60) -> tuple[int, bytes]:
        if self.connection is None or self.connection.timeout != timeout:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        sent = {**self.headers, **(headers or {})}
        if self.cookie:
            sent["Cookie"] = self.cookie
        try:
            response, data = self._send(method, url, body, sent)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes idle keep-alive connections after a few seconds: connect again, once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            response, data = self._send(method, url, body, sent)
        except Exception:
            self.connection.close()
            self.connection = None
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data

    def _send(self, method, url, body, headers):
        self.connection.request(method, url, body=body, headers=headers)
        response = self.connection.getresponse()
        return response, response.read()

    def get(self, url: str, timeout: float = 60) -> tuple[int, bytes]:
        return self.request("GET", url, timeout=timeout)


def login(port: int, username: str = "leader", password: str = "Demo@2026") -> tuple[Client, dict]:
    """A signed-in web client (login form with its CSRF token) and API bearer-token headers."""
    web = Client(port)
    _status, page = web.get("/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    status, _body = web.request("POST", "/login", urlencode(
        {"username": username, "password": password, "csrf_token": token}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"login failed: HTTP {status}")
    status, body = Client(port).request("POST", "/api/v1/auth/token", json.dumps(
        {"username": username, "password": password}).encode(), {"Content-Type": "application/json"})
    if status != 201:
        raise RuntimeError(f"API token failed: HTTP {status}")
    return web, {"Authorization": f"Bearer {json.loads(body)['token']}"}


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Client(port).get("/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not come up")
