"""What the printed documents show (DOMAIN §9 URLs), assembled from the features' own page data, and
the record of every print. Only what the requesting user may read is ever included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from crm.core import parsing as p
from crm.core.models import utcnow
from crm.domain import Stage, Status, Verdict
from crm.extensions import db
from crm.followups.services import follow_ups_for
from crm.payouts.queries import incentive_panel
from crm.pipeline.page import project_section as pipeline_section
from crm.projects.access import project_for
from crm.projects.models import Project
from crm.projects.services import visible_projects
from crm.reports.models import PrintRecord
from crm.screening.current import signed_screening
from crm.screening.models import Screening
from crm.screening.page import threshold_rows
from crm.trips.queries import visits_to_project

RECENT_FOLLOW_UPS = 5
DEFAULT_PACK_LIMIT = 50
MAX_QUEUE = 200


def brief_data(actor, project: Project) -> dict:
    """Everything the project brief shows, for one project the actor may read."""
    screening = signed_screening(project)
    follow_ups = follow_ups_for(project)
    return {
        "project": project,
        **pipeline_section(actor, project),
        "screening": screening,
        "screening_rows": threshold_rows(screening) if screening is not None else [],
        "recent_follow_ups": follow_ups[:RECENT_FOLLOW_UPS],
        "open_actions": [f for f in follow_ups if f.next_action and f.next_action_done_at is None],
        "incentive_panel": incentive_panel(project),
        "trip_visits": visits_to_project(actor, project.id),
    }


@dataclass
class MeetingPack:
    meeting_name: str
    meeting_date: date
    briefs: list[dict]


def meeting_pack(actor, args) -> MeetingPack:
    """The review-meeting pack for `?project_id=…&project_id=…&meeting_name=…&meeting_date=…`."""
    e = p.FieldErrors()
    name = e.run("meeting_name", p.text, args.get("meeting_name"), "meeting_name", max_length=200, required=True,
                 label=_("会议名称"))
    when = e.run("meeting_date", p.a_date, args.get("meeting_date"), "meeting_date", required=True,
                 label=_("会议日期"))
    raw_ids = args.getlist("project_id")
    limit = int(current_app.config.get("MEETING_PACK_LIMIT", DEFAULT_PACK_LIMIT))
    if not raw_ids:
        e.add("project_id", _("请至少选择一个项目。"))
    elif len(raw_ids) > limit:
        e.add("project_id", _("一次最多 %(n)s 个项目，请分批生成。", n=limit))
    e.raise_if_any(_("无法生成过会材料：%(summary)s", summary=e.summary()))
    seen, projects = set(), []
    for raw in raw_ids:
        project = project_for(actor, raw)  # 404 for an unknown id or another unit's project
        if project.id not in seen:
            seen.add(project.id)
            projects.append(project)
    return MeetingPack(name, when, [brief_data(actor, project) for project in projects])


def awaiting_meeting(actor) -> list[Project]:
    """The next-meeting queue: active projects in talks whose latest signed screening passed."""
    signed = aliased(Screening)
    latest_signed = (select(func.max(signed.id)).where(signed.project_id == Project.id, signed.signed_at.is_not(None))
                     .correlate(Project).scalar_subquery())
    stmt = (visible_projects(actor).join(Screening, Screening.id == latest_signed)
            .where(Project.stage == Stage.TALKS, Project.status == Status.ACTIVE,
                   Screening.verdict.in_([v for v in Verdict if v.passes]))
            .options(selectinload(Project.unit)).order_by(Project.id).limit(MAX_QUEUE))
    return list(db.session.scalars(stmt))


def selected_projects(actor, args) -> list[Project]:
    """The projects ticked in the ledger (`?project_id=…`), those the actor may read, in ledger order of
    their ids; anything that is not an id is ignored here (the pack itself refuses it by name)."""
    ids = {int(raw) for raw in args.getlist("project_id")[:MAX_QUEUE] if str(raw).isdigit() and len(str(raw)) < 12}
    if not ids:
        return []
    stmt = visible_projects(actor).where(Project.id.in_(ids)).options(selectinload(Project.unit)).order_by(Project.id)
    return list(db.session.scalars(stmt))


def record_print(actor, document: str, title: str, projects) -> PrintRecord:
    record = PrintRecord(document=document, title=title[:300], project_ids=[pr.id for pr in projects],
                         printed_by_id=actor.id, printed_at=utcnow())
    db.session.add(record)
    db.session.flush()
    return record
