"""Documents attached to a project, a trip or a payout (DOMAIN §8), with their checksum.

Exactly one owner per document, held by the database (CHECK `one_owner`): a trip's photos and a
payout's voucher are the trip's and the payout's, not their project's. The owner tables are named
by foreign key only, so this layer imports neither trips nor payouts (they register as owners,
crm/attachments/owners.py)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import ArchivableMixin, VersionedMixin, utcnow
from crm.domain import AttachmentCategory
from crm.extensions import db


class Attachment(VersionedMixin, ArchivableMixin, db.Model):
    """Versioned so that two people archiving it at once cannot both succeed."""

    __record_label__ = N_("附件")  # how the history names this kind of record
    __tablename__ = "attachments"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("(project_id IS NOT NULL AND trip_id IS NULL AND payout_id IS NULL)"
                        " OR (project_id IS NULL AND trip_id IS NOT NULL AND payout_id IS NULL)"
                        " OR (project_id IS NULL AND trip_id IS NULL AND payout_id IS NOT NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the three is set (CHECK one_owner).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("trips.id"), index=True)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), index=True)
    category: Mapped[AttachmentCategory] = vocab_column(AttachmentCategory, name="category",
                                                        info={"label": N_("类别")})
    filename: Mapped[str] = mapped_column(String(255), info={"label": N_("文件名")})
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer, info={"label": N_("文件大小（字节）")})
    sha256: Mapped[str] = mapped_column(String(64), info={"label": N_("SHA-256")})
    # Where the bytes live under instance/attachments; content-addressed by sha256.
    storage_key: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500), info={"label": N_("说明")})
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    uploaded_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename}>"
