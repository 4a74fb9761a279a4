"""/api/v1/openapi.json, built from the registered routes so it always lists every endpoint."""

import re

from flask import current_app

from crm.api import bp
from crm.api.base import doc
from crm.domain import (
    EnergyTier,
    FundOrigin,
    IncentiveCondition,
    Move,
    ProjectKind,
    Role,
    Source,
    Stage,
    Status,
    UnitKind,
    Verdict,
)

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    }, "required": ["code", "message", "fields"]}},
}


def _page(item: str) -> dict:
    return {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    }}


DEC = {"type": ["string", "number", "null"], "description": "exact decimal; returned as a string"}
DATE = {"type": ["string", "null"], "format": "date"}
STAGE = {"type": "string", "enum": Stage.codes()}
_PROJECT_FIELDS = {
    "name": {"type": "string", "maxLength": 200}, "investor_name": {"type": "string", "maxLength": 200},
    "investor_uscc": {"type": ["string", "null"], "description": "18-character USCC, check digit verified"},
    "industry_code": {"type": "string", "pattern": "^[0-9]{2}$"}, "chain_id": {"type": ["integer", "null"]},
    "source": {"type": "string", "enum": Source.codes()},
    "unit_id": {"type": "integer"}, "owner_id": {"type": "integer"}, "lead_leader_id": {"type": ["integer", "null"]},
    "total_investment_wan": DEC, "fixed_asset_investment_wan": DEC, "land_area_mu": DEC, "floor_area_m2": DEC,
    "expected_annual_output_wan": DEC, "expected_annual_tax_wan": DEC, "annual_energy_tce": DEC,
    "annual_electricity_wan_kwh": DEC, "jobs": {"type": ["integer", "null"]},
    "kind": {"type": "string", "enum": ProjectKind.codes()}, "parent_project_id": {"type": ["integer", "null"]},
    "fund_origin": {"type": "string", "enum": FundOrigin.codes()},
    "foreign_investment_usd_wan": DEC, "exchange_rate": DEC, "intention_agreement_date": DATE,
    "location": {"type": ["string", "null"]}, "summary": {"type": ["string", "null"]},
}
_SCREENING_FIGURES = {k: DEC for k in ("total_investment_wan", "fixed_asset_investment_wan", "land_area_mu",
                                        "floor_area_m2", "expected_annual_output_wan", "expected_annual_tax_wan",
                                        "annual_energy_tce", "annual_electricity_wan_kwh")}

SCHEMAS = {
    "Error": ERROR,
    "TokenRequest": {"type": "object", "required": ["username", "password"],
                     "properties": {"username": {"type": "string", "maxLength": 64},
                                    "password": {"type": "string", "maxLength": 128}}},
    "Token": {"type": "object", "properties": {"token": {"type": "string"}, "token_type": {"type": "string"},
                                              "expires_in": {"type": "integer"}}},
    "User": {"type": "object", "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "name": {"type": "string"},
        "role": {"type": "string", "enum": Role.codes()},
        "unit_id": {"type": ["integer", "null"]}}},
    "Unit": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "kind": {"type": "string", "enum": UnitKind.codes()},
        "parent_id": {"type": ["integer", "null"]}, "location": {"type": ["string", "null"]},
        "archived": {"type": "boolean"}, "version": {"type": "integer"}}},
    "Chain": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": ["string", "null"]},
        "division_codes": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}$"}},
        "archived": {"type": "boolean"}, "version": {"type": "integer"}}},
    "Industry": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "section": {"type": "string"}}},
    "ProjectInput": {"type": "object", "required": ["name", "investor_name", "industry_code", "source", "unit_id",
                                                    "owner_id", "total_investment_wan", "fund_origin"],
                     "properties": _PROJECT_FIELDS | {
                         "contacts": {"type": "array", "maxItems": 10, "items": {"type": "object", "properties": {
                             "name": {"type": "string"}, "title": {"type": "string"}, "phone": {"type": "string"}}}}}},
    "ProjectPatch": {"type": "object", "required": ["version"],
                     "properties": _PROJECT_FIELDS | {"version": {"type": "integer"}}},
    "Project": {"type": "object", "properties": _PROJECT_FIELDS | {
        "id": {"type": "integer"}, "stage": STAGE, "status": {"type": "string", "enum": Status.codes()},
        "version": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "incentive_terms": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string"}, "cap_wan": DEC,
            "condition_stage": {"type": "string"}, "description": {"type": ["string", "null"]}}}},
        "possible_duplicates": {"type": "array", "items": {"type": "object"}}}},
    "ProjectPage": _page("Project"),
    "TransitionInput": {"type": "object", "required": ["to", "effective_date"], "properties": {
        "to": {"type": "string", "enum": Move.codes()},
        "effective_date": {"type": "string", "format": "date"}, "version": {"type": "integer"},
        "meeting_name": {"type": "string"}, "minutes_no": {"type": "string"}, "conditions": {"type": "string"},
        "contract_no": {"type": "string"}, "contract_investment_wan": DEC, "agreed_start_date": DATE,
        "agreed_production_date": DATE,
        "commitments": {"type": "array", "items": {"type": "object", "properties": {
            "due_date": DATE, "amount_wan": DEC, "description": {"type": "string"}}}},
        "incentive_terms": {"type": "array", "items": {"type": "object", "properties": {
            "kind": {"type": "string"}, "cap_wan": DEC, "description": {"type": "string"},
            "condition_stage": {"type": "string", "enum": IncentiveCondition.codes()}}}},
        "land_area_mu": DEC, "land_certificate_no": {"type": "string"},
        "reason": {"type": "string", "description": "dropped: the drop reason's code or its label, from "
                                                    "/api/v1/reference/drop_reason (e.g. 企业战略调整); "
                                                    "correction: why"},
        "note": {"type": "string"}, "to_stage": STAGE}},
    "Transition": {"type": "object", "properties": {
        "id": {"type": "integer"}, "from": STAGE, "to": {"type": "string"}, "kind": {"type": "string"},
        "effective_date": {"type": "string", "format": "date"}, "actor": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"}}},
    "PermitDone": {"type": "object", "required": ["done_date", "version"], "properties": {
        "done_date": {"type": "string", "format": "date"}, "reference_no": {"type": "string"},
        "note": {"type": "string"}, "version": {"type": "integer"}}},
    "ScreeningInput": {"type": "object", "properties": _SCREENING_FIGURES | {
        "industry_code": {"type": "string", "pattern": "^[0-9]{2}$"}}},
    "Screening": {"type": "object", "properties": {
        "id": {"type": "integer"}, "project_id": {"type": "integer"}, "policy_version": {"type": "string"},
        "indicators": {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in (
            "tax_per_mu", "investment_intensity", "output_per_mu", "energy_per_output")}},
        "scores": {"type": "object"}, "vetoes": {"type": "array", "items": {"type": "string"}},
        "energy_review_tier": {"type": "string", "enum": EnergyTier.codes()},
        "score": {"type": ["string", "null"]},
        "proposed_verdict": {"type": "string", "enum": Verdict.codes()},
        "verdict": {"type": ["string", "null"]}}},
    "Decision": {"type": "object", "required": ["verdict", "comment", "negative_list_confirmed"], "properties": {
        "verdict": {"type": "string", "enum": Verdict.codes()}, "comment": {"type": "string"},
        "conditions": {"type": ["string", "null"]}, "negative_list_confirmed": {"type": "boolean"}}},
    "Policy": {"type": "object", "description": "A screening policy version (see the README for every field)"},
    "PolicyPage": _page("Policy"),
    "ReferenceList": {"type": "object", "properties": {
        "kind": {"type": "string"}, "items": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "label": {"type": "string"}}, "required": ["code", "label"]}}}},
    "UnitPage": _page("Unit"),
    "ChainPage": _page("Chain"),
    "IndustryPage": _page("Industry"),
}

PARAMS = {
    **{name: {"name": name, "in": "query", "schema": {"type": "string"}}
       for name in ("stage", "status", "source", "q", "tier", "sort", "dir")},
    **{name: {"name": name, "in": "query", "schema": {"type": "integer"}}
       for name in ("unit_id", "chain_id", "lead_leader_id")},
    "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    "per_page": {"name": "per_page", "in": "query",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
}

STATUS_TEXT = {413: "Upload or body too large", 400: "Bad JSON or content type", 401: "Missing, invalid or revoked token", 403: "Not permitted",
               404: "Not found", 409: "Stale version, duplicate or already done",
               422: "Validation failed or a gate is not met", 429: "Too many attempts"}


def _operation(view, rule) -> dict:
    info = view.api_doc
    ok = {"description": "OK"}
    if info["response"]:
        ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{info['response']}"}}}
    responses = {str(info["ok_status"]): ok}
    for status in info["statuses"]:
        responses[str(status)] = {"description": STATUS_TEXT[status],
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    op = {"summary": info["summary"], "operationId": rule.endpoint.removeprefix("api."), "responses": responses}
    path_params = [{"name": name, "in": "path", "required": True,
                    "schema": info["path_schemas"].get(name, {"type": "integer"})} for name in sorted(rule.arguments)]
    op["parameters"] = path_params + [PARAMS[p] for p in info["params"]]
    if info["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{info['body']}"}}}}
    if info["public"]:
        op["security"] = []
    return op


def build_spec() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        view = current_app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, rule)
    return {
        "openapi": "3.1.0",
        "info": {"title": "InvestTrack API", "version": "1.0",
                 "description": "招商引资项目全流程管理 JSON API. Errors: {\"error\": {code, message, fields}}."},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


@bp.get("/openapi.json")
@doc("This OpenAPI document", public=True)
def openapi_document():
    return build_spec()
