"""Pre-review screenings (预审). Issue 4 adds policies and the computation; the pipeline's
`approved` gate already reads the latest signed screening from here."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.i18n import N_
from crm.core.models import utcnow
from crm.extensions import db

VERDICTS = ("pass", "conditional", "reject")
VERDICT_LABELS = {"pass": N_("通过"), "conditional": N_("有条件通过"), "reject": N_("不通过")}


class Screening(db.Model):
    __tablename__ = "screenings"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("verdict IS NULL OR verdict IN ('pass', 'conditional', 'reject')", name="verdict"),
        CheckConstraint("proposed_verdict IN ('pass', 'conditional', 'reject')", name="proposed_verdict"),
        # Signed means: a verdict, a signer, a time, and the negative list confirmed.
        CheckConstraint(
            "(signed_at IS NULL AND verdict IS NULL AND signed_by_id IS NULL) OR "
            "(signed_at IS NOT NULL AND verdict IS NOT NULL AND signed_by_id IS NOT NULL "
            "AND negative_list_confirmed)", name="signed_complete"),
        CheckConstraint("verdict <> 'conditional' OR conditions IS NOT NULL", name="conditional_has_conditions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    policy_version: Mapped[str | None] = mapped_column(String(64))
    # The figures the screening was computed from, copied so later project edits change nothing.
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    indicators: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    proposed_verdict: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str | None] = mapped_column(String(16), info={"label": N_("预审结论")})
    conditions: Mapped[str | None] = mapped_column(Text, info={"label": N_("附加条件")})
    comment: Mapped[str | None] = mapped_column(Text, info={"label": N_("审核意见")})
    negative_list_confirmed: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])

    def __repr__(self) -> str:
        return f"<Screening {self.id} p{self.project_id} {self.verdict or 'unsigned'}>"
