"""Projects, transitions, permits and history over the API (DOMAIN.md §9). Same services as the web."""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from crm.api import bp
from crm.api.base import api_user, commit_after, doc, iso, json_body, paginated
from crm.api.schemas import (
    PermitSchema,
    TransitionSchema,
    duplicates_schema,
    project_schema,
    terms_schema,
)
from crm.audit.models import AuditEntry
from crm.core.permissions import Action
from crm.domain import Stage
from crm.extensions import db
from crm.pipeline import permits as permit_rules
from crm.pipeline import services as pipeline
from crm.pipeline.models import Contract, IncentiveTerm
from crm.projects import services
from crm.projects.access import project_for
from crm.projects.models import Project
from crm.projects.page import history_query
from crm.projects.queries import ProjectFilters, ledger_query

LIST_PARAMS = ("page", "per_page", "stage", "status", "unit_id", "chain_id", "source", "q")


def serialize_project(project: Project, terms: list[IncentiveTerm] | None = None) -> dict:
    data = project_schema.dump(project)
    if terms is not None:
        data["incentive_terms"] = terms_schema.dump(terms)
    return data


def _full(project: Project) -> dict:
    terms = None
    if Stage(project.stage).index >= Stage.SIGNED.index:
        terms = list(db.session.scalars(
            select(IncentiveTerm).join(Contract, Contract.id == IncentiveTerm.contract_id)
            .where(IncentiveTerm.project_id == project.id, Contract.voided_by_id.is_(None)).order_by(IncentiveTerm.id)))
    data = serialize_project(project, terms)
    # Another unit's project is named only to those who may read it; everyone learns the unit.
    data["possible_duplicates"] = duplicates_schema.dump(
        {"project_id": d.project.id if d.visible else None, "name": d.project.name if d.visible else None,
         "unit_id": d.project.unit_id, "unit_name": d.project.unit.name, "reason": d.reason}
        for d in services.possible_duplicates(project, api_user()))
    return data


@bp.get("/projects")
@doc("The project ledger, filtered (stage, status, unit_id, chain_id, source, q, tier, lead_leader_id, "
     "created_from/to, signed_from/to, sort, dir) and paged", params=LIST_PARAMS, statuses=(401, 422),
     response="ProjectPage")
def list_projects():
    return paginated(ledger_query(api_user(), ProjectFilters.from_args(request.args)), serialize_project)


@bp.post("/projects")
@doc("Record a new project (stage talks); the response lists possible duplicate investors",
     statuses=(400, 401, 403, 422), ok_status=201, body="ProjectInput", response="Project")
@commit_after
def create_project():
    data = json_body()
    project = services.create_project(api_user(), data, data.get("contacts"))
    return _full(project), 201


@bp.get("/projects/<int:project_id>")
@doc("One project; after signing also its incentive terms", statuses=(401, 404), response="Project")
def get_project(project_id: int):
    return _full(project_for(api_user(), project_id))


@bp.patch("/projects/<int:project_id>")
@doc("Edit a project; send the `version` you read (409 when someone saved in between)",
     statuses=(400, 401, 403, 404, 409, 422), body="ProjectPatch", response="Project")
@commit_after
def patch_project(project_id: int):
    data = json_body()
    project = project_for(api_user(), project_id, Action.WRITE)
    services.update_project(api_user(), project, data, data.get("version"), data.get("contacts"))
    return _full(project)


@bp.post("/projects/<int:project_id>/archive")
@doc("Archive a project (never deleted); send its `version`", statuses=(400, 401, 403, 404, 409, 422),
     response="Project")
@commit_after
def archive_project(project_id: int):
    data = json_body()
    project = project_for(api_user(), project_id, Action.WRITE)
    services.archive_project(api_user(), project, data.get("version"))
    return _full(project)


def serialize_audit(e) -> dict:
    return {"id": e.id, "record_type": e.record_type, "record_id": e.record_id, "action": e.action,
            "actor": e.actor.username if e.actor else None, "actor_id": e.actor_id, "source": e.source,
            "origin": e.origin, "batch": e.batch, "changes": e.changes, "created_at": iso(e.created_at)}


@bp.get("/projects/<int:project_id>/history")
@doc("The audit trail of a project and its records (contract, permits, follow-ups, documents...): "
     "who changed what, when, from where, before/after; oldest first, paged", params=("page", "per_page"),
     statuses=(401, 404, 422))
def project_history_api(project_id: int):
    project = project_for(api_user(), project_id)
    return paginated(history_query(project).order_by(None).order_by(AuditEntry.id), serialize_audit)


serialize_transition = TransitionSchema().dump


@bp.get("/projects/<int:project_id>/transitions")
@doc("Stage and status transitions, oldest first", statuses=(401, 404))
def list_transitions(project_id: int):
    project = project_for(api_user(), project_id)
    return {"items": [serialize_transition(t) for t in pipeline.transitions_of(project)]}


@bp.post("/projects/<int:project_id>/transitions")
@doc("Move a project: `to` is a stage code, on_hold, resume, dropped (or correction, admins); "
     "422 names what a gate is missing", statuses=(400, 401, 403, 404, 409, 422), ok_status=201,
     body="TransitionInput", response="Transition")
@commit_after
def create_transition(project_id: int):
    data = json_body()
    project = project_for(api_user(), project_id, Action.WRITE)
    transition = pipeline.apply_transition(api_user(), project, data)
    return serialize_transition(transition) | {"project": serialize_project(project)}, 201


serialize_permit = PermitSchema().dump


@bp.get("/projects/<int:project_id>/permits")
@doc("Permits created by the rules when the project was signed", statuses=(401, 404))
def list_permits(project_id: int):
    project = project_for(api_user(), project_id)
    return {"items": [serialize_permit(pm) for pm in permit_rules.permits_of(project)]}


@bp.patch("/permits/<int:permit_id>")
@doc("Record a permit as done: `done_date` (and `reference_no`, `note`) with its `version`; a permit already "
     "done is corrected the same way with a `reason` (kept in the history with the old values)",
     statuses=(400, 401, 403, 404, 409, 422), body="PermitDone", response="Permit")
@commit_after
def patch_permit(permit_id: int):
    data = json_body()
    permit = permit_rules.permit_for(api_user(), permit_id)
    if permit.done_date is not None and "reason" in data:
        permit_rules.correct_permit(api_user(), permit, data, data.get("version"))
    else:
        permit_rules.complete_permit(api_user(), permit, data, data.get("version"))
    return serialize_permit(permit)
