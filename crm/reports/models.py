"""Printed documents: who printed what, when (DOMAIN §8: 干有痕迹、查有资料、留有档案)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.i18n import N_
from crm.core.models import utcnow
from crm.extensions import db


class PrintRecord(db.Model):
    __record_label__ = N_("打印记录")  # how the history names this kind of record
    __tablename__ = "print_records"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(String(40), info={"label": N_("文件")})
    title: Mapped[str] = mapped_column(String(300), info={"label": N_("标题")})
    project_ids: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("涉及项目")})
    printed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": N_("打印人")})
    printed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, info={"label": N_("打印时间")})

    def __repr__(self) -> str:
        return f"<PrintRecord {self.id} {self.document} by {self.printed_by_id}>"
