"""/api/v1/openapi.json: paths from the registered routes and their `doc()`, so it always lists every
endpoint; components from the marshmallow schemas (crm/api/schemas.py, inputs.py) through apispec."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from crm.api import bp, inputs, schemas
from crm.api.base import doc
from crm.api.funnel import FunnelSchema
from crm.core.schema import DecimalText
from crm.payouts import schemas as payout_schemas


def _page(item: str, extra: dict | None = None) -> dict:
    return {"type": "object", "properties": {**{name: {"$ref": f"#/components/schemas/{ref}"}
                                                for name, ref in (extra or {}).items()},
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    }}


# What the endpoints' `doc(body=..., response=...)` name: crm/api/schemas.py and crm/api/inputs.py.
RESOURCES = {
    "User": schemas.UserSchema, "Unit": schemas.UnitSchema, "Chain": schemas.ChainSchema,
    "Industry": schemas.IndustrySchema, "Token": schemas.TokenSchema, "Project": schemas.ProjectSchema,
    "Transition": schemas.TransitionSchema, "Permit": schemas.PermitSchema, "FollowUp": schemas.FollowUpSchema,
    "Attachment": schemas.AttachmentSchema, "Screening": schemas.ScreeningSchema,
    "ReferenceList": schemas.ReferenceListSchema, "Policy": schemas.PolicySchema, "Error": schemas.ErrorSchema,
    "Payout": payout_schemas.PayoutSchema, "PayoutTotals": payout_schemas.PayoutTotalsSchema,
    "Funnel": FunnelSchema,
}
INPUTS = {
    "TokenRequest": inputs.TokenRequestSchema, "ProjectInput": inputs.project_input(),
    "ProjectPatch": inputs.project_patch(), "TransitionInput": inputs.TransitionInputSchema,
    "PermitDone": inputs.PermitDoneSchema, "ScreeningInput": inputs.ScreeningInputSchema,
    "Decision": inputs.DecisionSchema, "PayoutInput": payout_schemas.PayoutInputSchema,
    "PayoutPatch": payout_schemas.PayoutPatchSchema, "PayoutStep": payout_schemas.PayoutStepSchema,
}
PAGES = {"ProjectPage": "Project", "PolicyPage": "Policy", "UnitPage": "Unit", "ChainPage": "Chain",
         "IndustryPage": "Industry", "FollowUpPage": "FollowUp", "AttachmentPage": "Attachment",
         "PayoutPage": ("Payout", {"totals": "PayoutTotals"})}


def _decimal_property(self, field, **kwargs) -> dict:
    """apispec attribute function: an exact decimal is text out, text or number in."""
    return schemas.decimal_doc(field.allow_none) if isinstance(field, DecimalText) else {}


def _schema_name(schema) -> str:
    """Names of nested schemas apispec registers on its own (IncentiveTerm, Duplicate...)."""
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def build_components() -> dict:
    """Every component schema: apispec turns the marshmallow schemas into JSON Schema."""
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(title="InvestTrack API", version="1.0", openapi_version="3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(_decimal_property)
    for name, schema in (RESOURCES | INPUTS).items():
        spec.components.schema(name, schema=schema)
    for name, item in PAGES.items():
        spec.components.schema(name, _page(*item) if isinstance(item, tuple) else _page(item))
    return spec.to_dict()["components"]["schemas"]


PARAMS = {
    **{name: {"name": name, "in": "query", "schema": {"type": "string"}}
       for name in ("stage", "status", "source", "q", "tier", "sort", "dir")},
    **{name: {"name": name, "in": "query", "schema": {"type": "string", "format": "date"}} for name in ("from", "to")},
    **{name: {"name": name, "in": "query", "schema": {"type": "integer"}}
       for name in ("unit_id", "chain_id", "lead_leader_id")},
    # the payout ledger's filters (crm/payouts/queries.py)
    **{name: {"name": name, "in": "query", "schema": {"type": "string"}} for name in ("kind", "state", "period")},
    **{name: {"name": name, "in": "query", "schema": {"type": "integer"}} for name in ("project_id", "recipient_id")},
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
    if info["params"]:
        # The web server refuses a request line past its limit (gunicorn: 4,094 bytes) before the app sees it.
        responses["414"] = {"description": "Request line too long (too many or too long query parameters)"}
    if info["body"]:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{info['body']}"}}}}
    if info["public"]:
        op["security"] = []
    return op


def _components() -> dict:
    """Built once per process: the schemas do not change while it runs."""
    if "openapi_components" not in current_app.extensions:
        current_app.extensions["openapi_components"] = build_components()
    return current_app.extensions["openapi_components"]


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
        "components": {"schemas": _components(),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


@bp.get("/openapi.json")
@doc("This OpenAPI document", public=True)
def openapi_document():
    return build_spec()
