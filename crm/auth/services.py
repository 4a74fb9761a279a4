"""Authentication rules: passwords, logins, API tokens. Used by the web and the API alike."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from crm.auth import sessions, throttle
from crm.auth.models import ApiToken, User, UserSession
from crm.core.errors import ServiceError, ValidationFailed
from crm.core.models import as_utc, utcnow
from crm.extensions import db

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginRefused(ServiceError):
    status = 401
    code = "unauthorized"


LoginLocked = throttle.LoginLocked


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while their server-side session row is live."""
    try:
        number = int(user_id)
    except (TypeError, ValueError):
        return None
    if has_request_context():
        # The cookie's session row, with its user, in one statement. None: logged out, revoked by a
        # password change or an admin, idle too long, or the user deactivated.
        row = sessions.session_for(number)
        return row.user if row is not None and row.user.is_active else None
    user = db.session.get(User, number)
    return user if user is not None and user.is_active else None


def authenticate(username: str, password: str, address: str | None = None) -> User:
    """The user whose credentials these are, or LoginRefused / LoginLocked with a message for the screen.

    Failed attempts are recorded (see crm.auth.throttle): the caller commits even on refusal.
    """
    username = (username or "").strip()[:64]
    address = (address or "unknown")[:45]
    throttle.check_not_locked(username, address)
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password or "")
    if user is None or not user.check_password(password or ""):
        throttle.record_failure(username, address, user)
        raise LoginRefused(_("用户名或密码错误。"))
    if not user.is_active:
        raise LoginRefused(_("该账号已停用，请联系系统管理员。"))
    throttle.clear_failures(username)
    return user


def record_login(user: User) -> None:
    # A plain UPDATE: signing in is not an edit, so it must not bump the record's version
    # (an admin editing the account at that moment would otherwise get a false conflict).
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))


PASSWORD_RULE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d).{8,128}$")


def validate_new_password(password: str) -> None:
    if not PASSWORD_RULE.match(password or ""):
        raise ValidationFailed(
            _("密码不符合要求。"),
            {"new_password": [_("密码至少 8 位，须同时包含字母和数字。")]},
        )


def change_password(user: User, current: str, new: str, keep_session: UserSession | None = None) -> None:
    """Change the password; every API token and every web session but `keep_session` (the browser
    making the change) ends, so whoever else knew the old password is out."""
    if not user.check_password(current or ""):
        raise ValidationFailed(_("当前密码不正确。"), {"current_password": [_("当前密码不正确。")]})
    if current == new:
        raise ValidationFailed(_("新密码不能与当前密码相同。"), {"new_password": [_("新密码不能与当前密码相同。")]})
    validate_new_password(new)
    user.set_password(new)
    revoke_all_tokens(user)
    sessions.revoke_sessions(user, keep=keep_session)
    db.session.flush()


def _digest(raw_token: str) -> str:
    return sessions.digest(raw_token)


def issue_token(user: User) -> str:
    """Create a bearer token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_HOURS"]
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(raw), expires_at=utcnow() + timedelta(hours=hours)))
    db.session.flush()
    return raw


def token_for(raw_token: str) -> ApiToken | None:
    """The live token for a raw bearer value, or None (unknown, expired, revoked, user disabled)."""
    if not raw_token:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw_token)))
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    last = as_utc(token.last_used_at)
    if last is None or utcnow() - last > timedelta(minutes=5):  # avoid a write on every call
        token.last_used_at = utcnow()
    return token


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    db.session.flush()


def end_every_session(user: User) -> None:
    """An admin reset, disable or archive: every token and every web session of the user ends."""
    revoke_all_tokens(user)
    sessions.revoke_sessions(user)


def revoke_all_tokens(user: User) -> None:
    now = utcnow()
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
