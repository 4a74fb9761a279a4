"""The audit trail: one append-only row per insert, update or archive of a business record."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.columns import vocab_column
from crm.core.models import utcnow
from crm.domain import AuditAction, AuditSource
from crm.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[AuditAction] = vocab_column(AuditAction, name="action", length=16)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[AuditSource] = vocab_column(AuditSource, name="source", length=16)
    # Which screen or API call made the change ("projects.edit", "PATCH /api/v1/projects/7").
    origin: Mapped[str | None] = mapped_column(String(200))
    # One id per request or CLI command (crm.audit.services.start_batch): the history shows the
    # entries of one batch as one user action. NULL for entries written without one.
    batch: Mapped[str | None] = mapped_column(String(32), index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.record_type}#{self.record_id} by {self.actor_id}>"
