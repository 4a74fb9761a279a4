"""Administration screens for users and units: thin views over crm.admin.services."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.admin import services
from crm.admin.forms import PasswordResetForm, UnitForm, UserForm
from crm.audit.present import record_history
from crm.auth.models import User
from crm.core.forms import ArchiveForm, run_service
from crm.core.paging import fetch_page, web_page_number
from crm.core.web import admin_required
from crm.extensions import db
from crm.units.models import Unit
from crm.units.services import unit_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


def _record_or_404(model, ident):
    record = db.session.get(model, ident)
    if record is None:
        abort(404)
    return record


@bp.route("/users")
@admin_required
def users():
    stmt = select(User).options(selectinload(User.unit)).order_by(User.archived_at.is_not(None), User.id)
    result = fetch_page(stmt, web_page_number(), PER_PAGE)
    return render_template("admin/users.html", users=result.items, page=result.page, total=result.total,
                           per_page=PER_PAGE)


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.unit_id.choices = unit_choices(_("（无）"))
    return form


def _user_data(form: UserForm) -> dict:
    return {
        "username": form.username.data, "name": form.name.data.strip(), "role": form.role.data,
        "unit_id": form.unit_id.data, "phone": form.phone.data or None, "email": form.email.data or None,
        "active": form.active.data,
    }


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = _user_form(None)
    if form.validate_on_submit() and run_service(
        form, lambda: services.create_user(current_user, _user_data(form), form.password.data or "")
    ):
        flash(_("账号已创建。"), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = _record_or_404(User, user_id)
    form = _user_form(user)
    del form.password
    form.username.render_kw = {"readonly": True}
    if request.method == "POST":
        form.username.data = user.username  # the login name never changes
    if form.validate_on_submit() and run_service(
        form, lambda: services.update_user(current_user, user, _user_data(form), form.version.data)
    ):
        flash(_("账号已保存。"), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/user_form.html", form=form, user=user, history=record_history(user),
        reset_form=PasswordResetForm(), archive_form=ArchiveForm(version=user.version),
    )


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int):
    user = _record_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.reset_password(current_user, user, form.password.data)
    ):
        flash(_("密码已重置，该用户的 API 令牌已全部作废。"), "success")
    else:
        for error in form.password.errors:
            flash(error, "danger")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/archive")
@admin_required
def archive_user(user_id: int):
    user = _record_or_404(User, user_id)
    form = ArchiveForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.archive_user(current_user, user, form.version.data)
    ):
        flash(_("账号已归档。"), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/units")
@admin_required
def units():
    stmt = select(Unit).options(selectinload(Unit.parent)).order_by(Unit.archived_at.is_not(None), Unit.id)
    result = fetch_page(stmt, web_page_number(), PER_PAGE)
    counts = dict(db.session.execute(select(User.unit_id, func.count())
                                     .where(User.unit_id.in_([u.id for u in result.items])).group_by(User.unit_id)).all())
    return render_template("admin/units.html", units=result.items, counts=counts, page=result.page,
                           total=result.total, per_page=PER_PAGE)


def _unit_form(unit: Unit | None) -> UnitForm:
    form = UnitForm(obj=unit)
    form.parent_id.choices = unit_choices(_("（无）"))
    return form


def _unit_data(form: UnitForm) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "parent_id": form.parent_id.data,
            "location": form.location.data or None}


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def new_unit():
    form = _unit_form(None)
    if form.validate_on_submit() and run_service(form, lambda: services.create_unit(current_user, _unit_data(form))):
        flash(_("单位已创建。"), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_required
def edit_unit(unit_id: int):
    unit = _record_or_404(Unit, unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit() and run_service(
        form, lambda: services.update_unit(current_user, unit, _unit_data(form), form.version.data)
    ):
        flash(_("单位已保存。"), "success")
        return redirect(url_for("admin.edit_unit", unit_id=unit.id))
    return render_template(
        "admin/unit_form.html", form=form, unit=unit, history=record_history(unit),
        archive_form=ArchiveForm(version=unit.version),
    )


@bp.post("/units/<int:unit_id>/archive")
@admin_required
def archive_unit(unit_id: int):
    unit = _record_or_404(Unit, unit_id)
    form = ArchiveForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.archive_unit(current_user, unit, form.version.data)
    ):
        flash(_("单位已归档。"), "success")
    return redirect(url_for("admin.edit_unit", unit_id=unit.id))
