"""API plumbing: bearer authentication, JSON bodies, paging, the endpoint documentation registry."""

from __future__ import annotations

from datetime import datetime
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from crm.audit.services import set_actor
from crm.auth.services import token_for
from crm.core.errors import ServiceError, ValidationFailed
from crm.core.models import as_utc
from crm.core.paging import api_page_args, fetch_page
from crm.domain import AuditSource
from crm.extensions import db


class ApiError(ServiceError):
    def __init__(self, status: int, code: str, message: str, fields: dict | None = None) -> None:
        super().__init__(message, fields)
        self.status = status
        self.code = code


def unauthorized(message: str | None = None) -> ApiError:
    return ApiError(401, "unauthorized", message or _("需要登录：请在 Authorization 头中携带 Bearer 令牌。"))


def doc(summary: str, *, body: str | None = None, response: str | None = None, public: bool = False,
        params: tuple[str, ...] = (), statuses: tuple[int, ...] = (), ok_status: int = 200,
        path_schemas: dict | None = None):
    """Describe an endpoint for /api/v1/openapi.json; `public` endpoints need no token. Path
    parameters are integers unless `path_schemas` gives their schema."""

    def decorate(view):
        view.api_doc = {"summary": summary, "body": body, "response": response, "public": public,
                        "params": params, "statuses": statuses, "ok_status": ok_status,
                        "path_schemas": path_schemas or {}}
        if public:
            return view

        @wraps(view)
        def authenticated(*args, **kwargs):
            authenticate()
            return view(*args, **kwargs)

        authenticated.api_doc = view.api_doc
        return authenticated

    return decorate


def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise unauthorized()
    token = token_for(raw.strip())
    if token is None:
        raise unauthorized(_("令牌无效、已过期或已被吊销，请重新获取。"))
    if token in db.session.dirty:
        db.session.commit()  # the "last used" touch, before the view: read-only calls commit nothing else
    g.api_token = token
    g.api_user = token.user
    set_actor(token.user.id, AuditSource.API, f"{request.method} {request.path}"[:200])
    return token.user


def iso(value) -> str | None:
    """Dates as YYYY-MM-DD; moments as UTC with their offset (SQLite returns them without one)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat()


def api_user():
    return g.api_user


def _too_large() -> ApiError:
    return ApiError(413, "too_large", _("请求体过大（最多 %(n)s KB）。", n=current_app.config["MAX_JSON_BYTES"] // 1024))


def _body_bytes() -> bytes:
    """The request body, refused past MAX_JSON_BYTES. A chunked body has no Content-Length, and a
    limited stream stops silently at its limit: read one byte more than allowed to tell."""
    limit = current_app.config["MAX_JSON_BYTES"]
    if request.content_length and request.content_length > limit:
        raise _too_large()
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if len(data) > limit:
        raise _too_large()
    return data


def has_body() -> bool:
    """Did the client send a body at all?"""
    return bool(_body_bytes().strip())


def json_body() -> dict:
    """The request's JSON object, or a 400/413 that says what is wrong with it."""
    if not request.is_json:
        raise ApiError(400, "bad_request", _("请求体必须是 JSON，并带有 Content-Type: application/json。"))
    _body_bytes()
    try:
        data = request.get_json(silent=True)  # parses the body read above
    except RecursionError:  # nested thousands of levels deep: no request of ours looks like that
        raise ApiError(400, "bad_request", _("请求体嵌套层级过深。")) from None
    if data is None:
        raise ApiError(400, "bad_request", _("请求体不是有效的 JSON。"))
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("请求体必须是 JSON 对象。"))
    return data


def string_field(data: dict, name: str, *, max_length: int, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_("缺少必填字段：%(name)s", name=name), {name: [_("必填")]})
        return None
    if not isinstance(value, str):
        raise ValidationFailed(_("字段 %(name)s 必须是字符串。", name=name), {name: [_("必须是字符串。")]})
    if len(value) > max_length:
        raise ValidationFailed(
            _("字段 %(name)s 过长（最多 %(n)s 个字符）。", name=name, n=max_length),
            {name: [_("最多 %(n)s 个字符。", n=max_length)]},
        )
    return value


def paginated(stmt, serialize) -> dict:
    """Run a select() one page at a time: {"items", "total", "page", "per_page"}."""
    page = fetch_page(stmt, *api_page_args())
    return {"items": [serialize(r) for r in page.items], "total": page.total, "page": page.page,
            "per_page": page.per_page}


def commit_after(view):
    """The request commits once, after the service has flushed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        result = view(*args, **kwargs)
        db.session.commit()
        return result

    return wrapped
