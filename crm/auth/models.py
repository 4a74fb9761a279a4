"""Users, roles and API tokens."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from crm.core.columns import codes_sql, vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin, as_utc, utcnow
from crm.domain import Role
from crm.extensions import db
from crm.units.models import Unit

UNIT_ROLES = (Role.STAFF, Role.UNIT_HEAD)


class User(UserMixin, TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __record_label__ = N_("用户")  # how the history names this kind of record
    __tablename__ = "users"
    __audited__ = True
    __table_args__ = (
        # Staff and unit heads work for a unit; the permission helper relies on it.
        CheckConstraint(f"role NOT IN ({codes_sql(UNIT_ROLES)}) OR unit_id IS NOT NULL", name="unit_for_unit_roles"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, info={"label": N_("用户名")})
    name: Mapped[str] = mapped_column(String(64), info={"label": N_("姓名")})
    password_hash: Mapped[str] = mapped_column(String(256), info={"label": N_("密码")})
    role: Mapped[Role] = vocab_column(Role, name="role", info={"label": N_("角色")})
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), info={"label": N_("所属单位")})
    phone: Mapped[str | None] = mapped_column(String(32), info={"label": N_("电话")})
    email: Mapped[str | None] = mapped_column(String(120), info={"label": N_("邮箱")})
    active: Mapped[bool] = mapped_column(default=True, info={"label": N_("启用")})
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit | None] = relationship()

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.archived_at is None

    @property
    def role_label(self) -> str:
        """Untranslated: templates show it with `_()`."""
        return Role(self.role).msgid

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class ApiToken(TimestampMixin, db.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak leaks no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and as_utc(self.expires_at) > utcnow()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random id; only its SHA-256 is stored here, and the
    row decides whether the cookie still works (logout, password change and admin actions revoke it),
    so every app server behind a load balancer sees the same answer."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class LoginFailure(db.Model):
    """One failed sign-in (wrong password or unknown user): the shared counter every worker reads."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_created_at", "username", "created_at"),
        Index("ix_login_failures_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginLock(db.Model):
    """An account or address locked after too many failures; audited, so admins see who and when."""

    __record_label__ = N_("登录锁定")  # how the history names this kind of record
    __tablename__ = "login_locks"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("kind IN ('account', 'address')", name="kind"),
        Index("ix_login_locks_kind_key", "kind", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), info={"label": N_("锁定对象")})
    key: Mapped[str] = mapped_column(String(64), info={"label": N_("账号或地址")})
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("用户")})
    address: Mapped[str | None] = mapped_column(String(45), info={"label": N_("最后尝试地址")})
    failures: Mapped[int] = mapped_column(info={"label": N_("失败次数")})
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), info={"label": N_("锁定至")})
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginLock {self.kind} {self.key} until {self.locked_until}>"
