"""The audit trail: one append-only row per insert, update or archive of a business record."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import utcnow
from crm.domain import AuditAction, AuditSource
from crm.extensions import db

RECORD_LABELS = {
    "projects": N_("项目"), "project_contacts": N_("联系人"), "project_transitions": N_("阶段流转"),
    "meeting_approvals": N_("过会记录"), "contracts": N_("合同"), "contract_commitments": N_("分期投资承诺"),
    "incentive_terms": N_("奖扶条款"), "land_supplies": N_("供地"), "permits": N_("审批手续"),
    "follow_ups": N_("跟进记录"), "attachments": N_("附件"), "screenings": N_("预审"),
    "investor_links": N_("投资方判定"), "users": N_("用户"), "units": N_("单位"), "chains": N_("产业链"),
    "list_items": N_("清单项"), "login_locks": N_("登录锁定"),
}


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
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.record_type}#{self.record_id} by {self.actor_id}>"
