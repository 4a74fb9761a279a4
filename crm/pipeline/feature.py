"""The pipeline feature's registration (docs/ARCHITECTURE.md)."""

from sqlalchemy import select

from crm.core.features import Feature, ProjectSection
from crm.core.i18n import N_
from crm.extensions import db
from crm.pipeline.history import register_headlines
from crm.pipeline.models import Contract
from crm.pipeline.page import move_buttons, project_section
from crm.pipeline.permits import connect_signals
from crm.pipeline.routes import bp
from crm.projects.export import ExtraColumns, register_export_columns
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


def contract_cells(ids) -> dict:
    """The ledger export's signing date and contracted investment of each project's live contract."""
    rows = db.session.execute(select(Contract.project_id, Contract.signing_date, Contract.contract_investment_wan)
                              .where(Contract.voided_by_id.is_(None), Contract.project_id.in_(ids)))
    return {project_id: (signed, amount) for project_id, signed, amount in rows}


def setup(app) -> None:
    connect_signals()
    register_headlines()
    register_ledger_filter(signed_between)
    register_export_columns(ExtraColumns((N_("签约日期"), N_("合同投资额（万元）")), ("yyyy-mm-dd", "#,##0.00"),
                                         contract_cells))


feature = Feature(name="pipeline", blueprints=(bp,), setup=setup, project_sections=(
    ProjectSection("pipeline/_actions.html", move_buttons, 10, slot="actions"),
    ProjectSection("pipeline/_section.html", project_section, 20, title=N_("阶段与审批手续")),
))
