"""Follow-up records (跟进记录) of a project and their next actions: the rules.

Services check permissions and input, change objects and flush; the request or command commits.
Every refusal is a ValidationFailed (422) with the offending field named, a PermissionDenied
(403), or a Conflict (409: stale version, already done, already archived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import utcnow
from crm.core.permissions import Action, Duty, can, require, roles_for, scope
from crm.core.services import check_version
from crm.domain import FollowUpKind
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.projects.access import require_active_record
from crm.projects.models import Project

FIELDS = ("followed_on", "kind", "people", "notes", "next_action", "next_action_due", "next_action_owner_id")
MAX_NOTES = 5000
MAX_PEOPLE = 300
MAX_NEXT_ACTION = 500


def _refuse(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def _owner(project: Project, owner_id) -> User | None:
    message = _("负责人须为项目责任单位的在岗人员或分管领导。")
    try:
        number = p.ref_id(owner_id, "next_action_owner_id", label=_("负责人"))
    except ValidationFailed:
        _refuse("next_action_owner_id", message)
    owner = db.session.get(User, number) if number else None
    if owner is None or not can(owner, Action.WRITE, project.unit_id):
        _refuse("next_action_owner_id", _("负责人须为项目责任单位的在岗人员或分管领导。"))
    return owner


def _validated(project: Project, data: dict, today: date, *, keep_owner_id: int | None = None) -> dict:
    """Check a complete set of follow-up fields; return them cleaned. `keep_owner_id`: an owner
    who stays as they were on a done action is not checked again (they may have left since)."""
    followed_on = p.a_date(data.get("followed_on"), "followed_on", label=_("跟进日期"), required=True)
    if followed_on > today:
        _refuse("followed_on", _("跟进日期不能晚于今天。"))
    kind = p.choice(data.get("kind"), "kind", FollowUpKind.codes(), label=_("跟进方式"))
    people = p.text(data.get("people"), "people", max_length=MAX_PEOPLE, label=_("参与人员"))
    notes = p.text(data.get("notes"), "notes", max_length=MAX_NOTES, multiline=True, required=True, label=_("跟进情况"))
    next_action = p.text(data.get("next_action"), "next_action", max_length=MAX_NEXT_ACTION, label=_("下一步工作"))
    due = p.a_date(data.get("next_action_due"), "next_action_due", label=_("完成时限"))
    owner_id = data.get("next_action_owner_id")
    if next_action is None:
        if due is not None or owner_id not in (None, ""):
            _refuse("next_action", _("填写了完成时限或负责人，请同时填写下一步工作。"))
        owner = None
    else:
        if due is None:
            _refuse("next_action_due", _("有下一步工作时，请填写完成时限。"))
        if due < followed_on:
            _refuse("next_action_due", _("完成时限不能早于跟进日期。"))
        if owner_id in (None, ""):
            _refuse("next_action_owner_id", _("有下一步工作时，请选择负责人。"))
        if keep_owner_id is not None and str(owner_id) == str(keep_owner_id):
            owner = db.session.get(User, keep_owner_id)
        else:
            owner = _owner(project, owner_id)

    return {"followed_on": followed_on, "kind": kind, "people": people, "notes": notes,
            "next_action": next_action, "next_action_due": due,
            "next_action_owner": owner}


def _require_writer(actor: User, project: Project) -> None:
    require(actor, Action.WRITE, project.unit_id)
    require_active_record(project)


def _require_live(follow_up: FollowUp) -> None:
    if follow_up.archived_at is not None:
        raise Conflict(_("该跟进记录已归档，不能再修改。"))


def _project_of(follow_up: FollowUp) -> Project:
    return db.session.get(Project, follow_up.project_id)


def _refresh_last_follow_up(project: Project) -> None:
    """Recompute projects.last_follow_up_on (the stalled-in-talks list filters on it) from the live
    follow-ups, so an archive or a corrected date never leaves it stale. A plain UPDATE on purpose: a
    derived figure, not an edit of the project, so it bumps neither the version (an edit form open
    elsewhere stays valid) nor updated_at (the ledger's order), and the follow-up's own audit entry
    already records what changed."""
    table = Project.__table__
    latest = (select(func.max(FollowUp.followed_on))
              .where(FollowUp.project_id == project.id, FollowUp.archived_at.is_(None)).scalar_subquery())
    db.session.execute(update(table).where(table.c.id == project.id)
                       .values(last_follow_up_on=latest, updated_at=table.c.updated_at))
    db.session.expire(project, ["last_follow_up_on"])


def add_follow_up(actor: User, project: Project, data: dict, *, today: date | None = None) -> FollowUp:
    _require_writer(actor, project)
    values = _validated(project, data, today or local_today())
    follow_up = FollowUp(project_id=project.id, created_by=actor, **values)
    db.session.add(follow_up)
    db.session.flush()
    _refresh_last_follow_up(project)
    return follow_up


def update_follow_up(actor: User, follow_up: FollowUp, data: dict, version, *, today: date | None = None) -> FollowUp:
    """Change some or all fields; keys absent from `data` keep their current value."""
    project = _project_of(follow_up)
    _require_writer(actor, project)
    check_version(follow_up, version)
    _require_live(follow_up)
    merged = {k: getattr(follow_up, k) for k in FIELDS} | {k: data[k] for k in FIELDS if k in data}
    same_done_action = (follow_up.next_action_done_at is not None
                        and p.text(merged["next_action"], "next_action", max_length=MAX_NEXT_ACTION)
                        == follow_up.next_action)
    values = _validated(project, merged, today or local_today(),
                        keep_owner_id=follow_up.next_action_owner_id if same_done_action else None)
    if values["next_action"] != follow_up.next_action:
        follow_up.next_action_done_at = None  # a different (or no) next action is not done yet
    for key, value in values.items():
        setattr(follow_up, key, value)
    db.session.flush()
    _refresh_last_follow_up(project)  # the date may have been corrected
    return follow_up


def complete_next_action(actor: User, follow_up: FollowUp, version) -> FollowUp:
    project = _project_of(follow_up)
    _require_writer(actor, project)
    check_version(follow_up, version)
    _require_live(follow_up)
    if follow_up.next_action is None:
        raise ValidationFailed(_("该跟进记录没有下一步工作。"), {"next_action": [_("没有下一步工作。")]})
    if follow_up.next_action_done_at is not None:
        raise Conflict(_("下一步工作已标记为完成。"))
    follow_up.next_action_done_at = utcnow()
    db.session.flush()
    return follow_up


def archive_follow_up(actor: User, follow_up: FollowUp, version) -> FollowUp:
    """Archive (never delete): the row and its history stay; it leaves lists and due lists."""
    project = _project_of(follow_up)
    _require_writer(actor, project)
    check_version(follow_up, version)
    if follow_up.archived_at is not None:
        raise Conflict(_("该跟进记录已归档。"))
    follow_up.archived_at = utcnow()
    db.session.flush()
    _refresh_last_follow_up(project)
    return follow_up


def follow_ups_stmt(project: Project, include_archived: bool = False):
    """The project's follow-ups, newest first, with their people loaded (no N+1)."""
    stmt = (
        select(FollowUp)
        .options(joinedload(FollowUp.next_action_owner), joinedload(FollowUp.created_by))
        .where(FollowUp.project_id == project.id)
        .order_by(FollowUp.followed_on.desc(), FollowUp.id.desc())
    )
    if not include_archived:
        stmt = stmt.where(FollowUp.archived_at.is_(None))
    return stmt


def follow_ups_for(project: Project, include_archived: bool = False) -> list[FollowUp]:
    return list(db.session.scalars(follow_ups_stmt(project, include_archived)))


@dataclass(frozen=True)
class DueFollowUp:
    """An open next action with its project; reads like the FollowUp it wraps."""

    follow_up: FollowUp
    project: Project
    overdue: bool
    days_left: int

    def __getattr__(self, name):
        if name == "follow_up" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.follow_up, name)


def due_follow_ups(user: User, today: date, horizon_days: int = 7) -> list[DueFollowUp]:
    """"My due follow-ups": open next actions owned by `user`, due by today + horizon, overdue
    first. One query, whatever the number of rows."""
    if user is None or getattr(user, "id", None) is None:
        return []
    horizon = today + timedelta(days=horizon_days)
    stmt = (
        select(FollowUp, Project)
        .join(Project, Project.id == FollowUp.project_id)
        .where(
            FollowUp.next_action_owner_id == user.id,
            FollowUp.next_action.is_not(None),
            FollowUp.next_action_done_at.is_(None),
            FollowUp.archived_at.is_(None),
            FollowUp.next_action_due <= horizon,
            Project.archived_at.is_(None),
        )
        .order_by(FollowUp.next_action_due, FollowUp.id)
    )
    stmt = scope(stmt, user, Project.unit_id)  # someone moved to another unit no longer sees its projects
    return [
        DueFollowUp(follow_up=f, project=p, overdue=f.next_action_due < today,
                    days_left=(f.next_action_due - today).days)
        for f, p in db.session.execute(stmt).all()
    ]


def owner_choices(project: Project) -> list[tuple[int, str]]:
    """Who may own a next action: active staff and heads of the project's unit, leaders and admins."""
    stmt = (
        select(User)
        .where(
            User.active.is_(True),
            User.archived_at.is_(None),
            or_(
                User.role.in_(roles_for(Duty.ACTION_OWNER_ANY_UNIT)),
                (User.unit_id == project.unit_id) & User.role.in_(roles_for(Duty.OWNER)),
            ),
        )
        .order_by(User.unit_id != project.unit_id, User.role, User.name, User.id)
    )
    return [(u.id, f"{u.name}（{_(u.role_label)}）") for u in db.session.scalars(stmt)]
