"""Incentive payouts (奖励兑现, DOMAIN.md §6): one ledger for investor incentives and contributor rewards.

The database holds the rules a racing request could slip past: amounts are exact 万元 decimals, a
term and period (or a project's reward and period) have at most one live request (partial unique
indexes; a rejected request frees its period, a reversing record is a row of its own), a reversal
is negative and points at the original, and each recipient is exactly one user or one unit.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import TimestampMixin, VersionedMixin, utcnow
from crm.domain import PayoutKind, PayoutState
from crm.extensions import db
from crm.pipeline.models import IncentiveTerm
from crm.projects.models import WAN, Project
from crm.units.models import Unit

# A request still counts (for the cap and the one-per-period rule) unless it was rejected.
LIVE_ORIGINAL = text(f"state <> '{PayoutState.REJECTED}' AND reverses_id IS NULL")
SHARE = Numeric(5, 2)


class RewardPolicy(db.Model):
    """招商奖励标准: one version of the contributor-reward tiers. Saving makes a new version; a version a
    reward used is never changed (its rows are never updated but to switch `active` off)."""

    __record_label__ = N_("招商奖励标准")  # how the history names this kind of record
    __tablename__ = "reward_policies"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True, info={"label": N_("版本")})
    name: Mapped[str] = mapped_column(String(200), info={"label": N_("奖励标准名称")})
    # [{"min_wan": "10000.00", "fixed_wan": "20.00"} or {"min_wan": ..., "rate_percent": "0.0500"}], ascending.
    tiers: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("奖励档次")})
    source: Mapped[str | None] = mapped_column(Text, info={"label": N_("依据")})
    active: Mapped[bool] = mapped_column(default=False, info={"label": N_("启用")})
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<RewardPolicy v{self.version} {self.name}>"


class Payout(TimestampMixin, VersionedMixin, db.Model):
    __record_label__ = N_("奖励兑现")  # how the history names this kind of record
    __tablename__ = "payouts"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("amount_wan <> 0", name="amount_not_zero"),
        CheckConstraint("(reverses_id IS NULL) = (amount_wan > 0)", name="only_reversals_negative"),
        CheckConstraint(f"kind <> '{PayoutKind.INVESTOR}' OR term_id IS NOT NULL", name="investor_has_term"),
        CheckConstraint(f"kind <> '{PayoutKind.CONTRIBUTOR}' OR (term_id IS NULL AND reward_policy_id IS NOT NULL "
                        "AND computed_wan IS NOT NULL)", name="contributor_has_policy"),
        CheckConstraint("computed_wan IS NULL OR reverses_id IS NOT NULL OR amount_wan <= computed_wan",
                        name="not_above_computed"),
        CheckConstraint(f"state <> '{PayoutState.PAID}' OR (paid_date IS NOT NULL AND voucher_no IS NOT NULL)",
                        name="paid_has_voucher"),
        CheckConstraint("reverses_id IS NULL OR reason IS NOT NULL", name="reversal_has_reason"),
        Index("uq_payouts_live_term_period", "term_id", "period", unique=True,
              sqlite_where=LIVE_ORIGINAL, postgresql_where=LIVE_ORIGINAL),
        Index("uq_payouts_live_reward_period", "project_id", "period", unique=True,
              sqlite_where=text(f"kind = '{PayoutKind.CONTRIBUTOR}' AND {LIVE_ORIGINAL.text}"),
              postgresql_where=text(f"kind = '{PayoutKind.CONTRIBUTOR}' AND {LIVE_ORIGINAL.text}")),
        Index("uq_payouts_one_reversal", "reverses_id", unique=True),
        Index("ix_payouts_project", "project_id", "id"),
        Index("ix_payouts_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PayoutKind] = vocab_column(PayoutKind, name="kind", info={"label": N_("兑现类型")})
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), info={"label": N_("项目")})
    # The project's responsible unit when requested: the ledger's unit filter and the unit rights use it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True, info={"label": N_("责任单位")})
    term_id: Mapped[int | None] = mapped_column(ForeignKey("incentive_terms.id"), index=True,
                                                info={"label": N_("奖扶条款")})
    period: Mapped[str] = mapped_column(String(50), info={"label": N_("兑现期间/节点")})
    amount_wan: Mapped[Decimal] = mapped_column(WAN, info={"label": N_("金额（万元）")})
    state: Mapped[PayoutState] = vocab_column(PayoutState, name="state", default=PayoutState.APPLIED,
                                              info={"label": N_("状态")})
    note: Mapped[str | None] = mapped_column(Text, info={"label": N_("申请说明")})
    condition_note: Mapped[str | None] = mapped_column(String(500), info={"label": N_("条件核定依据")})
    # Contributor rewards: the policy version used, what it computed and how; a lower amount needs a reason.
    reward_policy_id: Mapped[int | None] = mapped_column(ForeignKey("reward_policies.id"),
                                                         info={"label": N_("奖励标准版本")})
    computed_wan: Mapped[Decimal | None] = mapped_column(WAN, info={"label": N_("测算金额（万元）")})
    computation: Mapped[str | None] = mapped_column(String(500), info={"label": N_("测算过程")})
    reduction_reason: Mapped[str | None] = mapped_column(String(500), info={"label": N_("调减理由")})
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": N_("申请人")})
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("审批人")})
    decided_on: Mapped[date | None] = mapped_column(Date, info={"label": N_("审批日期")})
    decision_comment: Mapped[str | None] = mapped_column(String(500), info={"label": N_("审批意见")})
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("支付登记人")})
    paid_date: Mapped[date | None] = mapped_column(Date, info={"label": N_("支付日期")})
    voucher_no: Mapped[str | None] = mapped_column(String(100), info={"label": N_("凭证号")})
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), info={"label": N_("冲销原记录")})
    reason: Mapped[str | None] = mapped_column(String(500), info={"label": N_("冲销理由")})

    project: Mapped[Project] = relationship()
    unit: Mapped[Unit] = relationship()
    term: Mapped[IncentiveTerm | None] = relationship()
    reward_policy: Mapped[RewardPolicy | None] = relationship()
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])
    reverses: Mapped[Payout | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])
    reversed_by: Mapped[Payout | None] = relationship(foreign_keys=[reverses_id], uselist=False, viewonly=True)
    recipients: Mapped[list[PayoutRecipient]] = relationship(order_by="PayoutRecipient.id",
                                                             cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Payout {self.id} {self.kind} p{self.project_id} {self.period} {self.amount_wan} {self.state}>"


class PayoutRecipient(db.Model):
    """One credited officer or unit of a contributor reward and their share (percent)."""

    __record_label__ = N_("奖励分配")  # how the history names this kind of record
    __tablename__ = "payout_recipients"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (unit_id IS NULL)", name="user_or_unit"),
        CheckConstraint("share > 0 AND share <= 100", name="share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("获奖人员")})
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), info={"label": N_("获奖单位")})
    share: Mapped[Decimal] = mapped_column(SHARE, info={"label": N_("分配比例（%）")})

    user: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else self.unit.name

    def __repr__(self) -> str:
        return f"<PayoutRecipient {self.id} u{self.user_id} d{self.unit_id} {self.share}%>"
