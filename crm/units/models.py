"""Units (单位): the bureau and the teams, parks and towns under it."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.domain import UnitKind
from crm.extensions import db

__all__ = ["Unit", "UnitKind"]


class Unit(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    __record_label__ = N_("单位")  # how the history names this kind of record
    __tablename__ = "units"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, info={"label": N_("单位名称")})
    kind: Mapped[UnitKind] = vocab_column(UnitKind, name="kind", info={"label": N_("单位类型")})
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), info={"label": N_("上级单位")})
    # Resident teams (驻外招商组) sit in another city; where, matters for trips.
    location: Mapped[str | None] = mapped_column(String(100), info={"label": N_("所在地")})

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    @property
    def kind_label(self) -> str:
        """Untranslated: templates show it with `_()`."""
        return UnitKind(self.kind).msgid

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"
