"""Screenings and policies over the API (DOMAIN.md §9). Same services as the web."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from crm.api import bp
from crm.api.base import api_user, commit_after, doc, has_body, json_body, paginated
from crm.api.schemas import PolicySchema, ScreeningSchema
from crm.core.errors import NotFound
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, require
from crm.projects.access import project_for
from crm.screening import policies as policy_rules
from crm.screening import services
from crm.screening.models import Policy

serialize_screening = ScreeningSchema().dump
policy_schema = PolicySchema()


@bp.post("/projects/<int:project_id>/screenings")
@doc("Prepare a screening from the project's figures (the body may override them); returns indicators, "
     "scores, vetoes, energy review tier and proposed verdict", statuses=(400, 401, 403, 404, 409, 422),
     ok_status=201, body="ScreeningInput", response="Screening")
@commit_after
def create_screening(project_id: int):
    project = project_for(api_user(), project_id, Action.WRITE)
    overrides = json_body() if has_body() else {}
    return serialize_screening(services.prepare_screening(api_user(), project, overrides)), 201


@bp.get("/projects/<int:project_id>/screenings")
@doc("A project's screenings, newest first", statuses=(401, 404))
def list_project_screenings(project_id: int):
    project = project_for(api_user(), project_id)
    return {"items": [serialize_screening(s) for s in services.screenings_of(project)]}


@bp.get("/screenings/<int:screening_id>")
@doc("One screening", statuses=(401, 404), response="Screening")
def get_screening(screening_id: int):
    return serialize_screening(services.screening_for(api_user(), screening_id))


@bp.post("/screenings/<int:screening_id>/decision")
@doc("Sign off a screening (leaders): verdict pass/conditional/reject, comment, conditions, "
     "negative_list_confirmed; a signed screening is final (409)", statuses=(400, 401, 403, 404, 409, 422),
     body="Decision", response="Screening")
@commit_after
def decide_screening(screening_id: int):
    data = json_body()
    screening = services.screening_for(api_user(), screening_id)
    return serialize_screening(services.decide(api_user(), screening, data))


def serialize_policy(policy: Policy, used: bool | None = None) -> dict:
    return policy_schema.dump(policy) | {"used": policy_rules.is_used(policy) if used is None else used}


@bp.get("/policies")
@doc("Screening policies (准入标准), every version", params=("page", "per_page"), statuses=(401, 422),
     response="PolicyPage")
def list_policies():
    used = policy_rules.used_policy_ids()  # one query for the page, not one per policy
    return paginated(select(Policy).order_by(Policy.family_id, Policy.version.desc()),
                     lambda policy: serialize_policy(policy, policy.id in used))


@bp.post("/policies")
@doc("Create a policy (admins); with `revises` (a policy id) it becomes that policy's next version, "
     "leaving the old version unchanged", statuses=(400, 401, 403, 404, 422), ok_status=201, response="Policy")
@commit_after
def create_policy():
    data = json_body()
    require(api_user(), Action.MANAGE)
    if data.get("revises") is not None:
        old = record_by_id(Policy, data["revises"])
        if old is None:
            raise NotFound(_("要修订的准入标准不存在。"))
        return serialize_policy(policy_rules.revise_policy(api_user(), old, data)), 201
    return serialize_policy(policy_rules.create_policy(api_user(), data)), 201
