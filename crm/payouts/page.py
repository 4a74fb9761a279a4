"""The incentive panel of the project page (registered in crm/payouts/feature.py)."""

from __future__ import annotations

from crm.auth.models import User
from crm.core.permissions import Action, can
from crm.domain import IncentiveCondition
from crm.payouts.queries import incentive_panel
from crm.projects.models import Project


def section_context(actor: User, project: Project) -> dict:
    """Promised cap, paid, requested, remaining and the condition of each live incentive term."""
    return {
        "incentive_terms_panel": incentive_panel(project),
        "incentive_conditions": IncentiveCondition.labels(),
        "may_request_payout": can(actor, Action.WRITE, project.unit_id) and project.archived_at is None,
    }
