"""Which screening counts, defined once: the 过会 gate, the project page's checklist, the permits
(节能审查 by the screened energy tier), the page's "当前" badge and the screened-projects table all
ask here, so they can never disagree.

- The *current* screening of a project is its newest one not superseded (signed or awaiting sign-off).
  The services keep it flagged (`Screening.is_current`, one per project by a unique index), so lists
  select it by an index instead of grouping every screening; `start_new_screening` moves the flag.
- The *signed* screening as of a day is the newest signed on or before that (bureau-local) day.
- A review meeting on a day may approve the project only if the newest screening signed by then
  says pass or conditional, and no newer screening is still awaiting sign-off.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from crm.core.dates import start_of_local_day
from crm.core.models import as_utc
from crm.domain import Verdict
from crm.extensions import db
from crm.screening.models import Screening


def start_new_screening(project_id: int, now) -> None:
    """Before a new screening of the project is added (it will be the newest, hence current): an
    unsigned one still open is superseded, and no older one stays current (a signed one keeps its
    signature and is simply no longer the current one)."""
    db.session.execute(update(Screening).where(Screening.project_id == project_id, Screening.signed_at.is_(None),
                                               Screening.superseded_at.is_(None))
                       .values(superseded_at=now, is_current=False, version=Screening.version + 1))
    db.session.execute(update(Screening).where(Screening.project_id == project_id, Screening.is_current)
                       .values(is_current=False))


def current_screening(project) -> Screening | None:
    return db.session.scalar(select(Screening).where(Screening.project_id == project.id, Screening.is_current))


def current_of(screenings: list[Screening]) -> Screening | None:
    """The current one among a project's screenings already loaded (the same flag, no query)."""
    return next((s for s in screenings if s.is_current), None)


def signed_screening(project, by: date | None = None) -> Screening | None:
    """The newest signed screening; with `by`, the newest signed on or before that local date."""
    stmt = select(Screening).where(Screening.project_id == project.id, Screening.signed_at.is_not(None))
    if by is not None:
        stmt = stmt.where(Screening.signed_at < start_of_local_day(by + timedelta(days=1)))
    return db.session.scalar(stmt.order_by(Screening.signed_at.desc(), Screening.id.desc()).limit(1))


def _newer_unsigned(project, signed: Screening) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Screening).where(
        Screening.project_id == project.id, Screening.signed_at.is_(None), Screening.superseded_at.is_(None),
        Screening.id > signed.id)))


def meeting_problem(project, meeting_date: date) -> str | None:
    """Why the screening does not let a meeting on `meeting_date` approve the project, or None."""
    latest = signed_screening(project)
    if latest is None:
        return _("缺少已签批的项目预审（结论须为通过或有条件通过）")
    # The newest signed by the meeting's day is the newest of all if that was signed by then.
    by_then = as_utc(latest.signed_at) < start_of_local_day(meeting_date + timedelta(days=1))
    screening = latest if by_then else signed_screening(project, by=meeting_date)
    if screening is None:
        return _("预审签批日期晚于会议日期：预审须在评审会之前签批")
    if _newer_unsigned(project, screening):
        return _("项目有一份更新的预审尚未签批，请先完成签批")
    if not Verdict(screening.verdict).passes:
        return _("最近一次签批的预审结论为“不通过”，不能过会")
    return None
