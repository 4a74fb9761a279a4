"""Mixins shared by business records: timestamps, optimistic versions, archiving."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: every UPDATE checks and bumps `version`.

    SQLAlchemy raises StaleDataError when a row's version moved under us; services also
    compare the version a client sent (see `crm.core.services.check_version`).
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805
        return {"version_id_col": cls.version}


class ArchivableMixin:
    """Records are archived, never deleted (DOMAIN.md §8)."""

    # Who archived is in the audit trail, like every other change.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
