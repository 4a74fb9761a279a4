"""Configuration classes; every deployment-specific value comes from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


# Known placeholders a production deployment must never sign sessions with.
DEV_SECRET = "dev-only-not-secret"
KNOWN_SECRETS = frozenset({DEV_SECRET, "testing-secret", "change-me", "changeme", "secret"})


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'investtrack.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Sessions expire: a shared office PC must not stay logged in overnight.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_HOURS", "8")))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(hours=8)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    BOOTSTRAP_SERVE_LOCAL = True  # intranet deployments: never a CDN
    # A coarse flood guard per address and worker; it counts failed sign-ins only, so an office
    # behind one NAT address is never slowed by its own successful logins.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "60 per minute")
    # Failed sign-ins, counted in the database (shared by every worker and server):
    # LOGIN_LOCK_FAILURES failures of one account within LOGIN_FAILURE_WINDOW_MINUTES lock that
    # account for LOGIN_LOCK_MINUTES; LOGIN_ADDRESS_FAILURES failures from one address (any
    # accounts) lock sign-ins from that address for the same time.
    LOGIN_LOCK_FAILURES = _int_env("LOGIN_LOCK_FAILURES", 5)
    LOGIN_ADDRESS_FAILURES = _int_env("LOGIN_ADDRESS_FAILURES", 30)
    LOGIN_FAILURE_WINDOW_MINUTES = _int_env("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    LOGIN_LOCK_MINUTES = _int_env("LOGIN_LOCK_MINUTES", 15)
    # Server-side web sessions: last_seen_at is written at most this often (not on every request).
    SESSION_TOUCH_MINUTES = 5
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are
    # trusted (werkzeug ProxyFix). 0 (default) trusts none: set it only behind your own proxy,
    # or any client could forge its address (sign-in throttling) and its scheme (HSTS).
    PROXY_FIX = _int_env("PROXY_FIX", 0)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "720"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    MAX_JSON_BYTES = 1024 * 1024
    IS_PRODUCTION = False
    # Printed documents: the header names the bureau and carries the marking (e.g. 内部资料 注意保存).
    BUREAU_NAME = os.environ.get("BUREAU_NAME", "示范市投资促进局")
    DOCUMENT_MARKING = os.environ.get("DOCUMENT_MARKING", "内部资料 注意保存")
    MEETING_PACK_LIMIT = int(os.environ.get("MEETING_PACK_LIMIT", "50"))
    # Where attached documents are stored (default: instance/attachments). Several app servers point
    # it at one shared folder (NFS or similar) so a file uploaded through one is served by the others.
    ATTACHMENT_ROOT = os.environ.get("ATTACHMENT_ROOT") or None
    PASSWORD_HASH_METHOD = "scrypt"


def _instance_secret() -> str:
    """A random key kept in instance/, so even a development install never signs with a known key."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class DevelopmentConfig(Config):
    """The embedded default that `make run` uses: SQLite under instance/ and demo data."""

    def __init__(self) -> None:
        if "SECRET_KEY" not in os.environ:
            self.SECRET_KEY = _instance_secret()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    LOGIN_RATE_LIMIT = "1000 per minute"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    SESSION_COOKIE_SECURE = False


class ProductionConfig(Config):
    IS_PRODUCTION = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY", "")
        # Compare with the known placeholders, never with Config.SECRET_KEY: that reads the
        # same environment variable, so it would refuse every real key.
        if len(secret) < 32 or secret in KNOWN_SECRETS:
            raise RuntimeError(
                "ProductionConfig needs a real SECRET_KEY (at least 32 random characters) in the environment."
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("ProductionConfig needs DATABASE_URL in the environment.")
        self.SECRET_KEY = secret
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    """Pick the config class named by INVESTTRACK_CONFIG (default: development)."""
    name = os.environ.get("INVESTTRACK_CONFIG", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown INVESTTRACK_CONFIG {name!r}; use one of {sorted(CONFIGS)}") from None
    return cls()
