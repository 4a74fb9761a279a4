"""Server-side web sessions: the signed cookie carries a random id, the database says if it still counts.

A cookie alone cannot be taken back; a row can. Logout revokes one session, a password change
the user's other sessions, an admin reset / disable / archive all of them. Every app server reads
the same rows, so no sticky sessions are needed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from crm.auth.models import User, UserSession
from crm.core.models import as_utc, utcnow
from crm.extensions import db

SESSION_KEY = "sid"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start_session(user: User) -> None:
    """Open a session row for a user who just proved their password, and put its id in the cookie."""
    raw = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent", "")[:200] or None
    row = UserSession(user_id=user.id, session_hash=digest(raw), ip=(request.remote_addr or "")[:45] or None,
                      user_agent=agent)
    db.session.add(row)
    db.session.flush()
    session[SESSION_KEY] = raw
    g.user_session = row


def current_session(user: User) -> UserSession | None:
    """The live session row this request's cookie names for `user`, or None (then the user is anonymous)."""
    return session_for(user.id)


def session_for(user_id: int) -> UserSession | None:
    """The live session row this request's cookie names for the user with this id, its user loaded
    with it (the user loader's one statement), or None."""
    if "user_session" in g:
        return g.user_session
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, str) or not raw:
        return None
    row = db.session.scalar(select(UserSession).options(joinedload(UserSession.user))
                            .where(UserSession.session_hash == digest(raw)))
    if row is None or row.user_id != user_id or row.revoked_at is not None or not row.user.is_active:
        return None
    now = utcnow()
    last_seen = as_utc(row.last_seen_at)
    if now - last_seen > current_app.config["PERMANENT_SESSION_LIFETIME"]:
        return None  # idle too long: refused even if someone kept the cookie alive
    if now - last_seen > timedelta(minutes=current_app.config["SESSION_TOUCH_MINUTES"]):
        # At most one write every few minutes per session, never one per request. The user loader
        # runs first thing in the request, so this commit carries nothing else.
        row.last_seen_at = now
        db.session.commit()
    g.user_session = row
    return row


def end_current_session() -> None:
    row = g.pop("user_session", None)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
    session.pop(SESSION_KEY, None)


def revoke_sessions(user: User, keep: UserSession | None = None) -> None:
    """Revoke every live session of `user` except `keep` (the one making the change, if any)."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    db.session.execute(stmt.values(revoked_at=utcnow()), execution_options={"synchronize_session": "fetch"})
