"""/api/v1/openapi.json, built from the registered routes so it always lists every endpoint."""

import re

from flask import current_app

from crm.api import bp
from crm.api.base import doc

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


SCHEMAS = {
    "Error": ERROR,
    "TokenRequest": {"type": "object", "required": ["username", "password"],
                     "properties": {"username": {"type": "string", "maxLength": 64},
                                    "password": {"type": "string", "maxLength": 128}}},
    "Token": {"type": "object", "properties": {"token": {"type": "string"}, "token_type": {"type": "string"},
                                              "expires_in": {"type": "integer"}}},
    "User": {"type": "object", "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "name": {"type": "string"},
        "role": {"type": "string", "enum": ["staff", "unit_head", "leader", "viewer", "admin"]},
        "unit_id": {"type": ["integer", "null"]}}},
    "Unit": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["bureau", "chain_team", "resident_team", "park", "town"]},
        "parent_id": {"type": ["integer", "null"]}, "location": {"type": ["string", "null"]},
        "archived": {"type": "boolean"}, "version": {"type": "integer"}}},
    "Chain": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": ["string", "null"]},
        "division_codes": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}$"}},
        "archived": {"type": "boolean"}, "version": {"type": "integer"}}},
    "Industry": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "section": {"type": "string"}}},
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
    path_params = [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
                   for name in rule.arguments]
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
