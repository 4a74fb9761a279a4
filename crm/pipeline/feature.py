"""The pipeline feature's registration (docs/ARCHITECTURE.md)."""

from sqlalchemy import select

from crm.core.features import Feature, ProjectSection
from crm.pipeline.history import register_headlines
from crm.pipeline.models import Contract
from crm.pipeline.page import move_buttons, project_section
from crm.pipeline.permits import connect_signals
from crm.pipeline.routes import bp
from crm.projects.models import Project
from crm.projects.queries import register_ledger_filter


def signed_between(stmt, filters):
    """The ledger's 签约日期 filter: projects whose live contract was signed in the range."""
    if not (filters.signed_from or filters.signed_to):
        return stmt
    signed = select(Contract.project_id).where(Contract.voided_by_id.is_(None))
    if filters.signed_from:
        signed = signed.where(Contract.signing_date >= filters.signed_from)
    if filters.signed_to:
        signed = signed.where(Contract.signing_date <= filters.signed_to)
    return stmt.where(Project.id.in_(signed))


def setup(app) -> None:
    connect_signals()
    register_headlines()
    register_ledger_filter(signed_between)


feature = Feature(name="pipeline", blueprints=(bp,), setup=setup, project_sections=(
    ProjectSection("pipeline/_actions.html", move_buttons, 10, slot="actions"),
    ProjectSection("pipeline/_section.html", project_section, 20),
))
