"""Sign-in throttling: failed attempts only, per account and per address, counted in the database.

The database is the store every worker and every app server shares, so N failures are N failures
however the load balancer spread them. Successful sign-ins are never counted (an office of fifty
behind one NAT address signs in freely) and a success clears the account's streak.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select

from crm.auth.models import LoginFailure, LoginLock, User
from crm.core.errors import ServiceError
from crm.core.models import as_utc, utcnow
from crm.extensions import db


class LoginLocked(ServiceError):
    status = 429
    code = "too_many_requests"


def _minutes_left(lock: LoginLock) -> int:
    return max(1, math.ceil((as_utc(lock.locked_until) - utcnow()).total_seconds() / 60))


def _refusal(lock: LoginLock) -> LoginLocked:
    if lock.kind == "account":
        return LoginLocked(_("账号因多次密码错误已临时锁定，请 %(n)s 分钟后再试或联系管理员。", n=_minutes_left(lock)))
    return LoginLocked(_("该地址登录失败次数过多，已临时禁止登录，请 %(n)s 分钟后再试或联系管理员。", n=_minutes_left(lock)))


def check_not_locked(username: str, address: str) -> None:
    """Raise LoginLocked while the account or the address is locked (checked before the password)."""
    lock = db.session.scalar(
        select(LoginLock)
        .where(or_(and_(LoginLock.kind == "account", LoginLock.key == username),
                   and_(LoginLock.kind == "address", LoginLock.key == address)),
               LoginLock.locked_until > utcnow())
        .order_by(LoginLock.kind)  # "account" first: its message is the more useful one
        .limit(1)
    )
    if lock is not None:
        raise _refusal(lock)


def _failures_since(kind: str, column, value: str, since) -> int:
    # Failures before the key's latest lock were already punished by it: the streak restarts.
    last_lock = select(func.max(LoginLock.created_at)).where(LoginLock.kind == kind, LoginLock.key == value)
    last_lock = last_lock.scalar_subquery()
    stmt = select(func.count()).select_from(LoginFailure).where(column == value, LoginFailure.created_at >= since)
    return db.session.scalar(stmt.where(or_(last_lock.is_(None), LoginFailure.created_at > last_lock)))


def _lock(kind: str, key: str, address: str, failures: int, user: User | None) -> LoginLock:
    now = utcnow()
    lock = LoginLock(kind=kind, key=key, address=address, failures=failures, created_at=now,
                     user_id=user.id if user is not None else None,
                     locked_until=now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]))
    db.session.add(lock)
    db.session.flush()  # the audit hook writes who was locked, when, from where
    return lock


def record_failure(username: str, address: str, user: User | None) -> None:
    """Count one failed attempt; lock the account or address when it reaches its limit.

    Raises LoginLocked when this very attempt locked the account, so the user learns it at once.
    The caller must commit even though the sign-in failed.
    """
    config = current_app.config
    now = utcnow()
    since = now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    # Rows older than the window count for nothing any more: keep the table small.
    db.session.execute(delete(LoginFailure).where(
        or_(LoginFailure.username == username, LoginFailure.address == address), LoginFailure.created_at < since))
    db.session.add(LoginFailure(username=username, address=address, created_at=now))
    db.session.flush()
    locks = []
    account_failures = _failures_since("account", LoginFailure.username, username, since)
    if account_failures >= config["LOGIN_LOCK_FAILURES"]:
        locks.append(_lock("account", username, address, account_failures, user))
    address_failures = _failures_since("address", LoginFailure.address, address, since)
    if address_failures >= config["LOGIN_ADDRESS_FAILURES"]:
        locks.append(_lock("address", address, address, address_failures, None))
    if locks:
        raise _refusal(locks[0])


def clear_failures(username: str) -> None:
    """A successful sign-in ends the account's streak (the address's count is left alone)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
