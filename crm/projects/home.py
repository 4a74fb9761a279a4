"""Figures for the home page: the user's projects by stage."""

from sqlalchemy import func

from crm.domain import Stage, Status
from crm.extensions import db
from crm.projects.models import Project
from crm.projects.services import visible_projects


def stage_counts(actor) -> dict[str, int]:
    """Active and on-hold projects the user can see, per stage (one grouped query)."""
    stmt = (visible_projects(actor).where(Project.status != Status.DROPPED).with_only_columns(Project.stage, func.count())
            .group_by(Project.stage))
    counts = dict(db.session.execute(stmt).all())
    return {stage.value: counts.get(stage, 0) for stage in Stage}
