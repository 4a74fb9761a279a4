"""Stage transitions and the gate records that go with them (DOMAIN.md §2)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_check, vocab_column
from crm.core.i18n import N_
from crm.core.models import TimestampMixin, VersionedMixin, utcnow
from crm.domain import IncentiveCondition, ListKind, Move, PermitKind, Stage, Status, TransitionKind
from crm.extensions import db
from crm.projects.models import WAN, Project

# A gate record's voiding correction, shown in the history as words ("已作废（管理员更正）").
VOIDED = {"label": N_("记录状态"), "format": "voided"}
STATUS_MOVES = {TransitionKind.HOLD: Move.ON_HOLD, TransitionKind.RESUME: Move.RESUME,
                TransitionKind.DROP: Move.DROPPED}


# The approvals (advances to 过会), as the queries spell them on both databases.
APPROVALS = f"to_stage = '{Stage.APPROVED.value}' AND kind = '{TransitionKind.ADVANCE.value}'"


class Transition(db.Model):
    """One change of stage or status, with its business date. Append-only."""

    __record_label__ = N_("阶段流转")  # how the history names this kind of record
    __tablename__ = "project_transitions"
    __audited__ = True
    __table_args__ = (
        vocab_check(Stage, "from_stage", "to_stage", name="stages"),
        vocab_check(Status, "from_status", "to_status", name="statuses"),
        CheckConstraint(f"kind NOT IN ('{TransitionKind.DROP}', '{TransitionKind.CORRECTION}') OR reason IS NOT NULL",
                        name="reason_required"),
        Index("ix_project_transitions_project", "project_id", "id"),
        Index("ix_project_transitions_funnel", "to_stage", "effective_date"),
        # A project's latest approval (the "approved, not signed" list): one step into a small index.
        Index("ix_project_transitions_approvals", "project_id", "effective_date",
              sqlite_where=text(APPROVALS), postgresql_where=text(APPROVALS)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    kind: Mapped[TransitionKind] = vocab_column(TransitionKind, name="kind", length=16,
                                                info={"label": N_("流转类型")})
    # One CHECK per pair (vocab_check above), as the migrations named them.
    from_stage: Mapped[Stage] = vocab_column(Stage, name=None, info={"label": N_("原阶段")})
    to_stage: Mapped[Stage] = vocab_column(Stage, name=None, info={"label": N_("新阶段")})
    from_status: Mapped[Status] = vocab_column(Status, name=None, info={"label": N_("原状态")})
    to_status: Mapped[Status] = vocab_column(Status, name=None, info={"label": N_("新状态")})
    effective_date: Mapped[date] = mapped_column(Date, info={"label": N_("业务发生日期")})
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A drop stores its reason's code (the drop-reason list); a correction, its reason in words.
    reason: Mapped[str | None] = mapped_column(String(500), info={"label": N_("原因"), "list": ListKind.DROP_REASON})
    note: Mapped[str | None] = mapped_column(Text, info={"label": N_("说明")})
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[User] = relationship()
    project: Mapped[Project] = relationship()

    @property
    def to_code(self) -> str:
        """The API's `to`: the move of a status change or an advance; a correction gives the stage it
        went back to."""
        if self.kind in STATUS_MOVES:
            return STATUS_MOVES[self.kind]
        return Move(self.to_stage) if self.kind == TransitionKind.ADVANCE else self.to_stage

    def __repr__(self) -> str:
        return f"<Transition {self.id} p{self.project_id} {self.kind} {self.from_stage}->{self.to_stage}>"


class MeetingApproval(db.Model):
    """过会: the review meeting that approved the project."""

    __record_label__ = N_("过会记录")  # how the history names this kind of record
    __tablename__ = "meeting_approvals"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("project_transitions.id"), unique=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    meeting_name: Mapped[str] = mapped_column(String(200), info={"label": N_("会议名称")})
    meeting_date: Mapped[date] = mapped_column(Date, info={"label": N_("会议日期")})
    minutes_no: Mapped[str] = mapped_column(String(100), info={"label": N_("会议纪要编号")})
    conditions: Mapped[str | None] = mapped_column(Text, info={"label": N_("附加条件")})
    # Set when an admin correction moved the project back past this record's stage: kept, not current.
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("project_transitions.id"), info=VOIDED)

    def __repr__(self) -> str:
        return f"<MeetingApproval {self.id} {self.minutes_no}>"


class Contract(db.Model):
    """签约: the formal investment contract (合同项目)."""

    __record_label__ = N_("合同")  # how the history names this kind of record
    __tablename__ = "contracts"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("contract_investment_wan > 0", name="investment_positive"),
        CheckConstraint("agreed_start_date >= signing_date", name="start_after_signing"),
        CheckConstraint("agreed_production_date >= agreed_start_date", name="production_after_start"),
        # A contract number belongs to one live contract; a voided one may be signed again.
        Index("uq_contracts_live_contract_no", "contract_no", unique=True,
              sqlite_where=text("voided_by_id IS NULL"), postgresql_where=text("voided_by_id IS NULL")),
        # A project's live contract and its agreed start (the "signed, not started" list) from the index alone.
        Index("ix_contracts_project_id", "project_id", "voided_by_id", "agreed_start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    transition_id: Mapped[int] = mapped_column(ForeignKey("project_transitions.id"), unique=True)
    contract_no: Mapped[str] = mapped_column(String(100), info={"label": N_("合同编号")})
    signing_date: Mapped[date] = mapped_column(Date, info={"label": N_("签约日期")})
    contract_investment_wan: Mapped[Decimal] = mapped_column(WAN, info={"label": N_("合同投资额（万元）")})
    agreed_start_date: Mapped[date] = mapped_column(Date, info={"label": N_("约定开工日期")})
    agreed_production_date: Mapped[date] = mapped_column(Date, info={"label": N_("约定投产日期")})
    # Set when an admin correction moved the project back past this record's stage: kept, not current.
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("project_transitions.id"), info=VOIDED)

    commitments: Mapped[list["Commitment"]] = relationship(order_by="Commitment.due_date")
    incentive_terms: Mapped[list["IncentiveTerm"]] = relationship(order_by="IncentiveTerm.id")

    def __repr__(self) -> str:
        return f"<Contract {self.id} {self.contract_no}>"


class Commitment(db.Model):
    """分期投资承诺: one instalment of the contracted investment."""

    __record_label__ = N_("分期投资承诺")  # how the history names this kind of record
    __tablename__ = "contract_commitments"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount_wan > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date, info={"label": N_("到期日")})
    amount_wan: Mapped[Decimal] = mapped_column(WAN, info={"label": N_("金额（万元）")})
    description: Mapped[str | None] = mapped_column(String(500), info={"label": N_("说明")})

    def __repr__(self) -> str:
        return f"<Commitment {self.id} {self.due_date} {self.amount_wan}>"


class IncentiveTerm(db.Model):
    """政策奖扶条款 promised to the investor; payouts under it never exceed its cap."""

    __record_label__ = N_("奖扶条款")  # how the history names this kind of record
    __tablename__ = "incentive_terms"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("cap_wan > 0", name="cap_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(100), info={"label": N_("奖扶类型")})
    cap_wan: Mapped[Decimal] = mapped_column(WAN, info={"label": N_("上限（万元）")})
    condition_stage: Mapped[IncentiveCondition] = vocab_column(IncentiveCondition, name="condition",
                                                               info={"label": N_("兑现条件")})
    description: Mapped[str | None] = mapped_column(String(500), info={"label": N_("说明")})

    def __repr__(self) -> str:
        return f"<IncentiveTerm {self.id} {self.kind} cap={self.cap_wan}>"


class LandSupply(db.Model):
    """供地: the land supplied before groundbreaking."""

    __record_label__ = N_("供地")  # how the history names this kind of record
    __tablename__ = "land_supplies"
    __audited__ = True
    __table_args__ = (CheckConstraint("land_area_mu > 0", name="area_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("project_transitions.id"), unique=True)
    land_area_mu: Mapped[Decimal] = mapped_column(Numeric(12, 2), info={"label": N_("供地面积（亩）")})
    certificate_no: Mapped[str] = mapped_column(String(100), info={"label": N_("不动产权证号")})
    # Set when an admin correction moved the project back past this record's stage: kept, not current.
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("project_transitions.id"), info=VOIDED)

    def __repr__(self) -> str:
        return f"<LandSupply {self.id} {self.land_area_mu} 亩>"


class Permit(TimestampMixin, VersionedMixin, db.Model):
    """审批手续: created by the rules when a project is signed; required ones gate 开工."""

    __record_label__ = N_("审批手续")  # how the history names this kind of record
    __tablename__ = "permits"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("project_id", "kind", name="uq_permits_project_kind"),
        # The home page's overdue permits (required, not done, due before today, most overdue first):
        # a partial index holds only the open required permits (7,000 of 280,000 at 100,000 projects).
        # With project_id, the overdue count and the page's rows are read from the index alone.
        Index("ix_permits_overdue", "due_date", "id", "project_id", sqlite_where=text("required IS 1 AND done_date IS NULL"),
              postgresql_where=text("required IS true AND done_date IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[PermitKind] = vocab_column(PermitKind, name="kind", info={"label": N_("手续类型")})
    required: Mapped[bool] = mapped_column(default=True, info={"label": N_("是否必需")})
    due_date: Mapped[date] = mapped_column(Date, info={"label": N_("应办结日期")})
    done_date: Mapped[date | None] = mapped_column(Date, info={"label": N_("办结日期")})
    reference_no: Mapped[str | None] = mapped_column(String(100), info={"label": N_("批文/证书编号")})
    note: Mapped[str | None] = mapped_column(String(500), info={"label": N_("备注")})

    project: Mapped[Project] = relationship()

    def __repr__(self) -> str:
        return f"<Permit {self.id} p{self.project_id} {self.kind} done={self.done_date}>"
