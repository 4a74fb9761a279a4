"""Tokens and the current user."""

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from crm.api import bp
from crm.api.base import ApiError, api_user, commit_after, doc, json_body, string_field
from crm.api.schemas import UserSchema
from crm.auth import services
from crm.extensions import db, limiter

serialize_user = UserSchema().dump


@bp.post("/auth/token")
# Coarse flood guard counting failures only; the per-account rule is in crm.auth.throttle.
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=get_remote_address,
               deduct_when=lambda response: response.status_code != 201)
@doc("Exchange a username and password for a bearer token", body="TokenRequest", response="Token",
     public=True, statuses=(400, 401, 422, 429), ok_status=201)
@commit_after
def create_token():
    data = json_body()
    username = string_field(data, "username", max_length=64)
    password = string_field(data, "password", max_length=128)
    try:
        user = services.authenticate(username, password, request.remote_addr)
    except (services.LoginRefused, services.LoginLocked) as err:
        db.session.commit()  # the failure is counted even though the token is refused
        raise ApiError(err.status, err.code, err.message) from None
    services.record_login(user)
    return {"token": services.issue_token(user), "token_type": "Bearer",
            "expires_in": current_app.config["API_TOKEN_HOURS"] * 3600}, 201


@bp.delete("/auth/token")
@doc("Revoke the token this call is made with", statuses=(401,))
@commit_after
def revoke_token():
    services.revoke_token(g.api_token)
    return {"revoked": True, "message": _("令牌已吊销。")}


@bp.get("/users/me")
@doc("The user the token belongs to", response="User", statuses=(401,))
def me():
    return serialize_user(api_user())
