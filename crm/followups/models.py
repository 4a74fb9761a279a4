"""Follow-up records (跟进记录) of a project, each with an optional next action."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.domain import FollowUpKind
from crm.extensions import db


class FollowUp(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __record_label__ = N_("跟进记录")  # how the history names this kind of record
    __tablename__ = "follow_ups"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("next_action_due IS NULL OR next_action IS NOT NULL", name="due_needs_action"),
        CheckConstraint("next_action IS NULL OR (next_action_due IS NOT NULL AND next_action_owner_id IS NOT NULL)",
                        name="action_has_due_and_owner"),
        Index("ix_follow_ups_project_date", "project_id", "followed_on"),
        Index("ix_follow_ups_owner_due", "next_action_owner_id", "next_action_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    followed_on: Mapped[date] = mapped_column(Date, info={"label": N_("跟进日期")})
    kind: Mapped[FollowUpKind] = vocab_column(FollowUpKind, name="kind", info={"label": N_("方式")})
    people: Mapped[str | None] = mapped_column(String(300), info={"label": N_("参与人员")})
    notes: Mapped[str] = mapped_column(Text, info={"label": N_("跟进情况")})
    next_action: Mapped[str | None] = mapped_column(String(500), info={"label": N_("下一步工作")})
    next_action_due: Mapped[date | None] = mapped_column(Date, info={"label": N_("完成时限")})
    next_action_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("负责人")})
    next_action_done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info={"label": N_("完成时间")})
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    next_action_owner: Mapped[User | None] = relationship(foreign_keys=[next_action_owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} p{self.project_id} {self.followed_on}>"
