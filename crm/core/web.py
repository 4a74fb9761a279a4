"""Web plumbing shared by every blueprint: error pages, safe redirects, template helpers."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.core.errors import Busy, Conflict, ServiceError
from crm.core.features import registry
from crm.core.formatting import format_wan, format_wan_only, format_yi_only, two_places
from crm.core.i18n import N_
from crm.core.permissions import Action, can
from crm.core.templating import LABELS
from crm.extensions import db

ERROR_TITLES = {
    400: N_("请求有误"),
    401: N_("请先登录"),
    403: N_("没有权限"),
    404: N_("页面不存在"),
    405: N_("不支持此操作"),
    409: N_("数据冲突"),
    413: N_("提交内容过大"),
    422: N_("提交内容有误"),
    429: N_("操作过于频繁"),
    500: N_("系统出错"),
    503: N_("系统繁忙"),
}
ERROR_HINTS = {
    403: N_("您的账号无权访问此页面或记录。如需权限，请联系系统管理员。"),
    404: N_("您要找的页面或记录不存在，可能已被归档或链接有误。"),
    413: N_("上传的文件或提交的内容超过了大小限制。"),
    429: N_("登录尝试过于频繁，请稍后再试。"),
    500: N_("系统遇到了意外错误，已记录。请稍后重试，或联系系统管理员。"),
    503: N_("其他人正在保存数据，系统暂时繁忙，您的操作未保存。请稍后重试。"),
}
# SQLite: SQLITE_BUSY / SQLITE_LOCKED (low byte of the extended code); PostgreSQL: lock_not_available.
BUSY_SQLITE_CODES = {5, 6}
BUSY_SQLSTATES = {"55P03"}
# PostgreSQL: serialization_failure, deadlock_detected (a concurrent transaction won).
CONFLICT_SQLSTATES = {"40001", "40P01"}


def concurrency_error(err: OperationalError) -> ServiceError | None:
    """The refusal for a database error caused by a concurrent writer, or None for any other."""
    orig = err.orig
    sqlstate = getattr(orig, "sqlstate", None)
    sqlite_code = getattr(orig, "sqlite_errorcode", None)
    if sqlstate in CONFLICT_SQLSTATES:
        return Conflict(_("该记录正被他人同时修改，您的修改未保存，请刷新后重新提交。"))
    if sqlstate in BUSY_SQLSTATES or (sqlite_code is not None and sqlite_code & 0xFF in BUSY_SQLITE_CODES) \
            or "database is locked" in str(orig):
        return Busy(_(ERROR_HINTS[503]))
    return None


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def admin_required(view):
    """A screen for administrators only (users, units, reference data, policies)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can(current_user, Action.MANAGE):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths: `next=//evil.example` or `next=https://…` are refused."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def api_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def _html_error(status: int, message: str | None = None):
    title = _(ERROR_TITLES.get(status, "出错了"))
    hint = message or _(ERROR_HINTS.get(status, "请检查后重试。"))
    try:
        return render_template("errors/error.html", status=status, title=title, hint=hint), status
    except Exception:  # the error page itself must never fail
        current_app.logger.exception("Error page failed to render")
        return f"{status} {title}: {hint}", status, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError):
        if is_api_request():
            return api_error(err.status, err.code, err.message, err.fields)
        return _html_error(err.status, err.message)

    @app.errorhandler(StaleDataError)
    def _stale(err: StaleDataError):
        # Someone saved the same record between our version check and our write.
        db.session.rollback()
        return _service_error(Conflict(_("该记录刚被他人修改，您的修改未保存，请刷新后重新提交。")))

    @app.errorhandler(IntegrityError)
    def _integrity(err: IntegrityError):
        # A uniqueness rule raced a concurrent save (the services check first; this is the backstop).
        db.session.rollback()
        app.logger.warning("Integrity error on %s %s: %s", request.method, request.path, err.orig)
        return _service_error(Conflict(_("提交的内容与已有记录冲突（可能刚被他人保存），请刷新后重试。")))

    @app.errorhandler(OperationalError)
    def _operational(err: OperationalError):
        # A writer waited past the busy timeout, or PostgreSQL aborted one of two racing writers.
        db.session.rollback()
        refusal = concurrency_error(err)
        if refusal is None:
            return _unexpected(err)
        app.logger.warning("Concurrent write refused on %s %s: %s", request.method, request.path, err.orig)
        response = make_response(_service_error(refusal))
        if refusal.status == 503:
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(err: CSRFError):
        return _html_error(400, _("页面已过期或来源不明，请刷新后重新提交。"))

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        status = err.code or 500
        if is_api_request():
            code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 413: "too_large", 429: "too_many_requests"}.get(status, "error")
            message = _(ERROR_TITLES.get(status, "出错了"))
            if status == 429:
                message = _("请求过于频繁，请稍后再试。")
            return api_error(status, code, message)
        return _html_error(status)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return _http_error(err)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if is_api_request():
            return api_error(500, "server_error", _("系统出错，请稍后重试。"))
        return _html_error(InternalServerError.code)


def register_template_helpers(app: Flask) -> None:
    """Helpers every template may use; features add their own through their registration."""
    from flask_babel import get_locale

    app.jinja_env.globals.update(get_locale=get_locale, can=can, Action=Action, LABELS=LABELS, nav_items=nav_items)
    app.jinja_env.filters["wan"] = format_wan
    app.jinja_env.filters["dec2"] = two_places
    app.jinja_env.filters["yi_only"] = format_yi_only
    app.jinja_env.filters["wan_only"] = format_wan_only
    app.jinja_env.filters["label_pairs"] = lambda labels: [(str(k), _(v)) for k, v in labels.items()]


def nav_items() -> list[tuple[str | None, str]]:
    """The main navigation, as the features registered it; entries not built yet show greyed out."""
    user = current_user._get_current_object()
    return [(entry.endpoint, _(entry.title)) for entry in registry().nav if entry.visible(user)]
