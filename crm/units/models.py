"""Units (单位): the bureau and the teams, parks and towns under it."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.extensions import db


class UnitKind(StrEnum):
    BUREAU = "bureau"
    CHAIN_TEAM = "chain_team"
    RESIDENT_TEAM = "resident_team"
    PARK = "park"
    TOWN = "town"


UNIT_KIND_LABELS = {
    UnitKind.BUREAU: N_("招商局"),
    UnitKind.CHAIN_TEAM: N_("产业招商组"),
    UnitKind.RESIDENT_TEAM: N_("驻外招商组"),
    UnitKind.PARK: N_("园区"),
    UnitKind.TOWN: N_("乡镇/街道"),
}


class Unit(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __tablename__ = "units"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(
            "kind IN ('bureau', 'chain_team', 'resident_team', 'park', 'town')", name="kind"
        ),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, info={"label": N_("单位名称")})
    kind: Mapped[str] = mapped_column(String(20), info={"label": N_("单位类型"), "choices": UNIT_KIND_LABELS})
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), info={"label": N_("上级单位")})
    # Resident teams (驻外招商组) sit in another city; where, matters for trips.
    location: Mapped[str | None] = mapped_column(String(100), info={"label": N_("所在地")})

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS.get(UnitKind(self.kind), self.kind)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"
