"""Login, logout and password change: thin views over crm.auth.services."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth import services, sessions
from crm.auth.forms import ChangePasswordForm, LoginForm
from crm.core.errors import ServiceError
from crm.core.forms import apply_service_errors
from crm.core.web import is_safe_redirect
from crm.extensions import db, limiter

bp = Blueprint("auth", __name__)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def failed_sign_in(response) -> bool:
    """Only failures feed the flood guard: a successful sign-in redirects."""
    return response.status_code != 302


# A coarse per-worker flood guard; the real rule (per account and address, shared by every
# worker) is in crm.auth.throttle.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=get_remote_address, deduct_when=failed_sign_in)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr)
        except (services.LoginRefused, services.LoginLocked) as err:
            db.session.commit()  # the failure is counted even though the sign-in is refused
            form.password.errors.append(err.message)
        else:
            login_user(user)
            sessions.start_session(user)
            services.record_login(user)
            db.session.commit()
            target = form.next.data
            return redirect(target if is_safe_redirect(target) else url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_current_session()
    db.session.commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     keep_session=g.get("user_session"))
        except ServiceError as err:
            db.session.rollback()
            apply_service_errors(form, err)
        else:
            db.session.commit()
            flash(_("密码已修改。"), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
