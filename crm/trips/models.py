"""Outbound investment trips (外出招商报备): the trip, its travellers and its targets."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import TimestampMixin, VersionedMixin
from crm.domain import TripState
from crm.extensions import db
from crm.units.models import Unit


class Trip(TimestampMixin, VersionedMixin, db.Model):
    __record_label__ = N_("外出招商报备")  # how the history names this kind of record
    __tablename__ = "trips"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("budget_wan IS NULL OR budget_wan >= 0", name="budget_not_negative"),
        CheckConstraint("expenses_wan IS NULL OR expenses_wan >= 0", name="expenses_not_negative"),
        CheckConstraint("NOT late OR late_reason IS NOT NULL", name="late_has_reason"),
        Index("ix_trips_unit_start", "unit_id", "start_date"),
        Index("ix_trips_state_due", "state", "report_due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), info={"label": N_("单位")})
    # The travellers as filed, in words, so the history shows who was added or removed.
    traveller_names: Mapped[str] = mapped_column(String(500), info={"label": N_("出行人员")})
    start_date: Mapped[date] = mapped_column(Date, info={"label": N_("出发日期")})
    end_date: Mapped[date] = mapped_column(Date, info={"label": N_("返回日期")})
    destination_province: Mapped[str] = mapped_column(String(20), info={"label": N_("目的地省份")})
    destination_city: Mapped[str] = mapped_column(String(30), info={"label": N_("目的地城市")})
    purpose: Mapped[str] = mapped_column(Text, info={"label": N_("出行事由")})
    budget_wan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), info={"label": N_("预算（万元）")})
    state: Mapped[TripState] = vocab_column(TripState, name="state", default=TripState.DRAFT,
                                            info={"label": N_("状态")})
    late: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": N_("补报")})
    late_reason: Mapped[str | None] = mapped_column(String(500), info={"label": N_("补报原因")})
    report_due_date: Mapped[date | None] = mapped_column(Date, info={"label": N_("报告截止日期")})
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info={"label": N_("提交时间")})
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), info={"label": N_("审批人")})
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info={"label": N_("审批时间")})
    decision_comment: Mapped[str | None] = mapped_column(String(500), info={"label": N_("审批意见")})
    cancel_reason: Mapped[str | None] = mapped_column(String(500), info={"label": N_("取消原因")})
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info={"label": N_("报告时间")})
    report_late: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": N_("报告逾期")})
    expenses_wan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), info={"label": N_("实际费用（万元）")})
    report_notes: Mapped[str | None] = mapped_column(Text, info={"label": N_("报告说明")})
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": N_("填报人")})

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    travellers: Mapped[list["TripTraveller"]] = relationship(back_populates="trip", cascade="all, delete-orphan",
                                                             order_by="TripTraveller.id")
    targets: Mapped[list["TripTarget"]] = relationship(back_populates="trip", cascade="all, delete-orphan",
                                                       order_by="TripTarget.id")

    @property
    def traveller_ids(self) -> list[int]:
        return [t.user_id for t in self.travellers]

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def __repr__(self) -> str:
        return f"<Trip {self.id} {self.state} {self.start_date}..{self.end_date}>"


class TripTraveller(db.Model):
    """Who travels (the trip's `traveller_names` records the list in the history)."""

    __tablename__ = "trip_travellers"
    __table_args__ = (UniqueConstraint("trip_id", "user_id", name="uq_trip_travellers_trip_user"),
                      Index("ix_trip_travellers_user", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    trip: Mapped[Trip] = relationship(back_populates="travellers")
    user: Mapped[User] = relationship()


class TripTarget(TimestampMixin, db.Model):
    """A company to visit (拜访对象) and, after the trip, what came of it. `project_id` links the target
    to an existing project or to the lead created from it (source `trip`)."""

    __record_label__ = N_("拜访对象")  # how the history names this kind of record
    __tablename__ = "trip_targets"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trips.id"), index=True)
    company_name: Mapped[str] = mapped_column(String(200), info={"label": N_("企业名称")})
    uscc: Mapped[str | None] = mapped_column(String(18), info={"label": N_("统一社会信用代码")})
    contact: Mapped[str | None] = mapped_column(String(200), info={"label": N_("联系人")})
    topic: Mapped[str] = mapped_column(String(500), info={"label": N_("洽谈内容")})
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True,
                                                   info={"label": N_("关联项目")})
    lead_created: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": N_("由此新建线索")})
    visited: Mapped[bool | None] = mapped_column(Boolean, info={"label": N_("是否拜访")})
    outcome: Mapped[str | None] = mapped_column(String(1000), info={"label": N_("洽谈成果")})
    next_step: Mapped[str | None] = mapped_column(String(500), info={"label": N_("下一步")})

    trip: Mapped[Trip] = relationship(back_populates="targets")

    def __repr__(self) -> str:
        return f"<TripTarget {self.id} t{self.trip_id} {self.company_name}>"
