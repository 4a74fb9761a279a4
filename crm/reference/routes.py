"""Reference data screens: the industry classification (everyone), chains and lists (admins edit)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.audit.present import record_history
from crm.core.forms import ArchiveForm, run_service
from crm.core.web import admin_required
from crm.domain import ListKind
from crm.extensions import db
from crm.reference import services
from crm.reference.forms import ChainForm, ListItemForm
from crm.reference.models import Chain, ListItem

bp = Blueprint("reference", __name__, url_prefix="/reference")


@bp.route("/industries")
@login_required
def industries():
    return render_template("reference/industries.html", sections=services.sections_with_divisions())


@bp.route("/chains")
@login_required
def chains():
    return render_template("reference/chains.html", chains=services.all_chains())


def _chain_form(chain: Chain | None) -> ChainForm:
    form = ChainForm(obj=chain)
    form.division_codes.choices = services.division_choices()
    if chain is not None and not form.is_submitted():
        form.division_codes.data = chain.division_codes
    return form


def _chain_data(form: ChainForm) -> dict:
    return {"name": form.name.data, "description": form.description.data,
            "division_codes": form.division_codes.data, "sort_order": form.sort_order.data}


@bp.route("/chains/new", methods=["GET", "POST"])
@admin_required
def new_chain():
    form = _chain_form(None)
    if form.validate_on_submit() and run_service(form, lambda: services.create_chain(current_user, _chain_data(form))):
        flash(_("产业链已创建。"), "success")
        return redirect(url_for("reference.chains"))
    return render_template("reference/chain_form.html", form=form, chain=None)


@bp.route("/chains/<int:chain_id>", methods=["GET", "POST"])
@admin_required
def edit_chain(chain_id: int):
    chain = db.session.get(Chain, chain_id) or abort(404)
    form = _chain_form(chain)
    if form.validate_on_submit() and run_service(
        form, lambda: services.update_chain(current_user, chain, _chain_data(form), form.version.data)
    ):
        flash(_("产业链已保存。"), "success")
        return redirect(url_for("reference.edit_chain", chain_id=chain.id))
    return render_template("reference/chain_form.html", form=form, chain=chain, history=record_history(chain),
                           archive_form=ArchiveForm(version=chain.version))


@bp.post("/chains/<int:chain_id>/archive")
@admin_required
def archive_chain(chain_id: int):
    chain = db.session.get(Chain, chain_id) or abort(404)
    form = ArchiveForm()
    if form.validate_on_submit() and run_service(form, lambda: services.archive_chain(current_user, chain, form.version.data)):
        flash(_("产业链已归档。"), "success")
    return redirect(url_for("reference.chains"))


@bp.route("/lists/<kind>", methods=["GET", "POST"])
@admin_required
def list_items(kind: str):
    if ListKind.get(kind) is None:
        abort(404)
    form = ListItemForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.create_list_item(current_user, kind, form.data)
    ):
        flash(_("已添加。"), "success")
        return redirect(url_for("reference.list_items", kind=kind))
    return render_template("reference/list_items.html", kind=kind, kind_label=ListKind(kind).msgid, form=form,
                           items=services.list_items(kind, include_archived=True))


@bp.route("/lists/item/<int:item_id>", methods=["GET", "POST"])
@admin_required
def edit_list_item(item_id: int):
    item = db.session.get(ListItem, item_id) or abort(404)
    form = ListItemForm(obj=item)
    if form.validate_on_submit() and run_service(
        form, lambda: services.update_list_item(current_user, item, form.data, form.version.data)
    ):
        flash(_("已保存。"), "success")
        return redirect(url_for("reference.list_items", kind=item.kind))
    return render_template("reference/list_item_form.html", form=form, item=item, history=record_history(item),
                           kind_label=ListKind(item.kind).msgid, archive_form=ArchiveForm(version=item.version))


@bp.post("/lists/item/<int:item_id>/archive")
@admin_required
def archive_list_item(item_id: int):
    item = db.session.get(ListItem, item_id) or abort(404)
    form = ArchiveForm()
    if form.validate_on_submit() and run_service(
        form, lambda: services.archive_list_item(current_user, item, form.version.data)
    ):
        flash(_("已归档。"), "success")
    return redirect(url_for("reference.list_items", kind=item.kind))
