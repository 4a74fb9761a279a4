"""Reference data: GB/T 4754-2017 classification, industry chains, editable lists."""

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, TimestampMixin, VersionedMixin
from crm.domain import ListKind
from crm.extensions import db


class IndustrySection(db.Model):
    """门类: one letter A–T."""

    __tablename__ = "industry_sections"
    __table_args__ = (CheckConstraint("length(code) = 1", name="code_length"),)

    code: Mapped[str] = mapped_column(String(1), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(120))

    divisions: Mapped[list["IndustryDivision"]] = relationship(
        back_populates="section", order_by="IndustryDivision.code"
    )

    def __repr__(self) -> str:
        return f"<IndustrySection {self.code} {self.name}>"


class IndustryDivision(db.Model):
    """大类: two digits 01–97, the code a project's industry is recorded by."""

    __tablename__ = "industry_divisions"
    __table_args__ = (CheckConstraint("length(code) = 2", name="code_length"),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    section_code: Mapped[str] = mapped_column(ForeignKey("industry_sections.code"))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(120))

    section: Mapped[IndustrySection] = relationship(back_populates="divisions")

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def __repr__(self) -> str:
        return f"<IndustryDivision {self.code} {self.name}>"


chain_divisions = Table(
    "chain_divisions",
    db.metadata,
    Column("chain_id", ForeignKey("chains.id"), primary_key=True),
    Column("division_code", ForeignKey("industry_divisions.code"), primary_key=True),
)


class Chain(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    """产业链: a city's industry chain, covering a set of 大类 codes."""

    __record_label__ = N_("产业链")  # how the history names this kind of record
    __tablename__ = "chains"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, info={"label": N_("产业链名称")})
    description: Mapped[str | None] = mapped_column(Text, info={"label": N_("说明")})
    sort_order: Mapped[int] = mapped_column(Integer, default=0, info={"label": N_("排序")})

    divisions: Mapped[list[IndustryDivision]] = relationship(
        secondary=chain_divisions, order_by=IndustryDivision.code
    )

    @property
    def division_codes(self) -> list[str]:
        return [d.code for d in self.divisions]

    def __repr__(self) -> str:
        return f"<Chain {self.id} {self.name}>"


class ListItem(TimestampMixin, VersionedMixin, ArchivableMixin, db.Model):
    """An entry of an admin-editable list (the negative list, drop reasons)."""

    __record_label__ = N_("清单项")  # how the history names this kind of record
    __tablename__ = "list_items"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_list_items_kind_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ListKind] = vocab_column(ListKind, name="kind", length=32, info={"label": N_("清单")})
    code: Mapped[str] = mapped_column(String(64), info={"label": N_("代码")})
    label: Mapped[str] = mapped_column(String(200), info={"label": N_("名称")})
    sort_order: Mapped[int] = mapped_column(Integer, default=0, info={"label": N_("排序")})

    def __repr__(self) -> str:
        return f"<ListItem {self.kind}:{self.code}>"
