"""Loading a project for a user: the one place that applies the permission helper to projects."""

from __future__ import annotations

from flask_babel import gettext as _

from crm.core.errors import NotFound, PermissionDenied
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, can
from crm.projects.models import Project


def project_for(actor, project_id, action: Action = Action.READ, options=()) -> Project:
    """The project, if `actor` may do `action` on it (`options`: what to load with it). Someone who
    may not even read it gets a 404 rather than a 403, so ids of other units' projects leak nothing."""
    project = record_by_id(Project, project_id, options)
    if project is None or not can(actor, Action.READ, project.unit_id):
        raise NotFound(_("项目不存在，或您无权查看。"))
    if not can(actor, action, project.unit_id):
        raise PermissionDenied(_("您没有权限修改此项目。"))
    return project


def require_active_record(project: Project) -> None:
    if project.archived_at is not None:
        raise PermissionDenied(_("项目已归档，不能再修改。"))
