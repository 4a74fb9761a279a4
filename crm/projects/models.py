"""The project record (项目), its investor contacts, and investor-identity decisions."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin, utcnow
from crm.domain import FundOrigin, ListKind, ProjectKind, Source, Stage, Status
from crm.extensions import db
from crm.reference.models import Chain, IndustryDivision
from crm.units.models import Unit

WAN = Numeric(14, 2)


def _label(text: str) -> dict:
    """Column info for the history table (coded values show their vocabulary's titles)."""
    return {"label": N_(text)} if text else {}


class Project(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __record_label__ = N_("项目")  # how the history names this kind of record
    __tablename__ = "projects"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("total_investment_wan > 0", name="total_positive"),
        CheckConstraint(
            "fixed_asset_investment_wan IS NULL OR (fixed_asset_investment_wan >= 0 "
            "AND fixed_asset_investment_wan <= total_investment_wan)", name="fixed_asset_within_total"),
        CheckConstraint("land_area_mu IS NULL OR land_area_mu >= 0", name="land_not_negative"),
        CheckConstraint("floor_area_m2 IS NULL OR floor_area_m2 >= 0", name="floor_not_negative"),
        CheckConstraint(
            "(expected_annual_output_wan IS NULL OR expected_annual_output_wan >= 0) AND "
            "(expected_annual_tax_wan IS NULL OR expected_annual_tax_wan >= 0) AND "
            "(annual_energy_tce IS NULL OR annual_energy_tce >= 0) AND (jobs IS NULL OR jobs >= 0)",
            name="figures_not_negative"),
        CheckConstraint("annual_electricity_wan_kwh IS NULL OR annual_electricity_wan_kwh >= 0",
                        name="electricity_not_negative"),
        CheckConstraint(f"kind <> '{ProjectKind.CAPITAL_INCREASE}' OR parent_project_id IS NOT NULL", name="increase_has_parent"),
        CheckConstraint("parent_project_id IS NULL OR parent_project_id <> id", name="not_own_parent"),
        CheckConstraint(f"status <> '{Status.DROPPED}' OR drop_reason_code IS NOT NULL", name="dropped_has_reason"),
        CheckConstraint(
            f"fund_origin <> '{FundOrigin.FOREIGN}' OR "
            "(foreign_investment_usd_wan IS NOT NULL AND exchange_rate IS NOT NULL)",
            name="foreign_has_original_amount"),
        Index("ix_projects_unit_stage", "unit_id", "stage", "status"),
        # The ledger's default order (latest change first) reads this index instead of sorting every row.
        Index("ix_projects_updated", "updated_at", "id"),
        # The home page's stalled lists count and pick their rows from this index alone (no table
        # reads): stage and status, live, then the talks list's dates, then the id (issue 9).
        Index("ix_projects_stage_follow_up", "stage", "status", "archived_at", "last_follow_up_on", "created_at", "id"),
        # The home page's "entered this year against last year" figures: a range of this index.
        Index("ix_projects_created", "created_at", "archived_at", "status", "total_investment_wan"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), info=_label("项目名称"))
    investor_name: Mapped[str] = mapped_column(String(200), info=_label("投资方"))
    investor_name_norm: Mapped[str] = mapped_column(String(200), index=True)
    investor_uscc: Mapped[str | None] = mapped_column(String(18), index=True, info=_label("统一社会信用代码"))
    industry_code: Mapped[str] = mapped_column(ForeignKey("industry_divisions.code"), info=_label("行业大类"))
    chain_id: Mapped[int | None] = mapped_column(ForeignKey("chains.id"), index=True, info=_label("产业链"))
    source: Mapped[Source] = vocab_column(Source, name="source", length=32, info=_label("项目来源"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), info=_label("责任单位"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info=_label("责任人"))
    lead_leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info=_label("包保领导"))
    total_investment_wan: Mapped[Decimal] = mapped_column(WAN, info=_label("总投资（万元）"))
    fixed_asset_investment_wan: Mapped[Decimal | None] = mapped_column(WAN, info=_label("固定资产投资（万元）"))
    land_area_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), info=_label("用地面积（亩）"))
    floor_area_m2: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), info=_label("租用厂房面积（平方米）"))
    expected_annual_output_wan: Mapped[Decimal | None] = mapped_column(WAN, info=_label("达产年产值（万元）"))
    expected_annual_tax_wan: Mapped[Decimal | None] = mapped_column(WAN, info=_label("达产年税收（万元）"))
    annual_energy_tce: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), info=_label("年综合能耗（吨标准煤）"))
    annual_electricity_wan_kwh: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), info=_label("年用电量（万千瓦时）"))
    jobs: Mapped[int | None] = mapped_column(Integer, info=_label("新增就业（人）"))
    kind: Mapped[ProjectKind] = vocab_column(ProjectKind, name="kind", default=ProjectKind.NEW, info=_label("项目类型"))
    # Indexed: the project page's possible duplicates leave out the project's own capital increases.
    parent_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True, info=_label("原项目"))
    fund_origin: Mapped[FundOrigin] = vocab_column(FundOrigin, name="fund_origin", info=_label("资金来源"))
    foreign_investment_usd_wan: Mapped[Decimal | None] = mapped_column(WAN, info=_label("外资金额（万美元）"))
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(10, 4), info=_label("汇率"))
    stage: Mapped[Stage] = vocab_column(Stage, name="stage", default=Stage.TALKS, info=_label("阶段"))
    status: Mapped[Status] = vocab_column(Status, name="status", default=Status.ACTIVE, info=_label("状态"))
    drop_reason_code: Mapped[str | None] = mapped_column(String(64), info=_label("终止原因") | {"list": ListKind.DROP_REASON})
    # 框架协议/意向协议: a milestone inside talks, not 签约.
    intention_agreement_date: Mapped[date | None] = mapped_column(Date, info=_label("意向协议签订日期"))
    location: Mapped[str | None] = mapped_column(String(200), info=_label("拟落地园区/地点"))
    summary: Mapped[str | None] = mapped_column(Text, info=_label("项目简介"))
    # Set when an amount changes after signing (不允许以次充好); the history has before/after.
    amounts_changed_after_signing: Mapped[bool] = mapped_column(default=False, info=_label("签约后金额变更"))
    # name, investor and their pinyin initials, lower-cased: what the search box matches.
    search_text: Mapped[str] = mapped_column(String(600), default="")
    # The date of the latest live (not archived) follow-up, or None: a figure derived from follow_ups,
    # kept by crm/followups/services.py so the stalled-in-talks list is an index range instead of a
    # lookup per project. No label: not a field of the record (history, Excel and API leave it out).
    last_follow_up_on: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    lead_leader: Mapped[User | None] = relationship(foreign_keys=[lead_leader_id])
    chain: Mapped[Chain | None] = relationship()
    industry: Mapped[IndustryDivision] = relationship()
    parent_project: Mapped["Project | None"] = relationship(remote_side=[id])
    contacts: Mapped[list["ProjectContact"]] = relationship(
        back_populates="project", order_by="ProjectContact.id", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name} {self.stage}/{self.status}>"


class ProjectTally(db.Model):
    """How many live (not archived) projects, and their total investment, per unit, stage and status:
    kept by every flush that adds, moves, re-amounts or archives a project (crm/projects/tallies.py),
    so the home page's stage figures read a few hundred rows instead of every project (issue 9)."""

    __tablename__ = "project_tallies"
    __table_args__ = (
        CheckConstraint("projects >= 0", name="projects_not_negative"),
        CheckConstraint("investment_wan >= 0", name="investment_not_negative"),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    stage: Mapped[Stage] = vocab_column(Stage, name="stage", primary_key=True)
    status: Mapped[Status] = vocab_column(Status, name="status", primary_key=True)
    projects: Mapped[int] = mapped_column(Integer, default=0)
    investment_wan: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=0)

    def __repr__(self) -> str:
        return f"<ProjectTally unit {self.unit_id} {self.stage}/{self.status}: {self.projects}>"


class ProjectContact(TimestampMixin, db.Model):
    """A contact person at the investor."""

    __record_label__ = N_("联系人")  # how the history names this kind of record
    __tablename__ = "project_contacts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), info=_label("联系人"))
    title: Mapped[str | None] = mapped_column(String(64), info=_label("职务"))
    phone: Mapped[str | None] = mapped_column(String(32), info=_label("电话"))

    project: Mapped[Project] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<ProjectContact {self.id} {self.name}>"


class InvestorLink(db.Model):
    """A leader's decision on two projects flagged as possibly the same investor."""

    __record_label__ = N_("投资方判定")  # how the history names this kind of record
    __tablename__ = "investor_links"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("verdict IN ('same', 'distinct')", name="verdict"),
        CheckConstraint("project_id < other_project_id", name="ordered_pair"),
        UniqueConstraint("project_id", "other_project_id", name="uq_investor_links_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    other_project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    verdict: Mapped[str] = mapped_column(String(10), info=_label("判定"))
    note: Mapped[str | None] = mapped_column(String(500), info=_label("说明"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<InvestorLink {self.project_id}~{self.other_project_id} {self.verdict}>"


# The tallies' flush listener travels with the model: whatever creates or changes a project, through
# any service, factory or command, keeps them (imported last: it needs the classes above).
from crm.projects import tallies as _tallies  # noqa: E402,F401
