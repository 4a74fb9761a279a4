"""Screening web views: prepare, review and sign; the screened-projects table; policies (admins)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.audit.present import record_history
from crm.core.forms import run_service
from crm.core.paging import fetch_page, web_page_number, web_sort
from crm.core.permissions import Action, can
from crm.core.web import admin_required
from crm.domain import ListKind
from crm.extensions import db
from crm.projects.access import project_for
from crm.reference.services import division_choices, list_items
from crm.screening import policies as policy_rules
from crm.screening import services
from crm.screening.export import screenings_workbook
from crm.screening.forms import DecisionForm, PolicyForm, PrepareForm
from crm.screening.models import Policy
from crm.screening.page import threshold_rows
from crm.screening.scoring import INDICATOR_LABELS, INDICATORS
from crm.units.services import unit_choices

bp = Blueprint("screening", __name__)
PER_PAGE = 50


@bp.route("/projects/<int:project_id>/screenings/new", methods=["GET", "POST"])
@login_required
def prepare(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = PrepareForm(data={name: getattr(project, name) for name in PrepareForm.__dict__
                             if not name.startswith("_") and hasattr(project, name)})
    form.industry_code.choices = [("", _("（请选择）")), *division_choices()]
    figures = {k: v for k, v in form.data.items() if k in services.FIGURES or k == "industry_code"}
    if form.validate_on_submit() and (result := run_service(
            form, lambda: services.prepare_screening(current_user, project, figures))):
        return redirect(url_for("screening.detail", screening_id=result.value.id))
    return render_template("screening/prepare.html", form=form, project=project,
                           policy=policy_rules.policy_for(project))


def _decision_form(screening) -> DecisionForm:
    form = DecisionForm(verdict=screening.proposed_verdict)
    codes = set(screening.policy.negative_list_codes if screening.policy else [])
    form.checked.choices = [(item.code, item.label) for item in list_items(ListKind.NEGATIVE_LIST, include_archived=True)
                            if item.code in codes]  # in the list's own order
    return form


@bp.route("/screenings/<int:screening_id>", methods=["GET", "POST"])
@login_required
def detail(screening_id: int):
    screening = services.screening_for(current_user, screening_id)
    form = _decision_form(screening)
    if request.method == "POST":
        everything_checked = set(form.checked.data or []) >= {code for code, _label in form.checked.choices}
        if form.validate_on_submit() and run_service(form, lambda: services.decide(current_user, screening, {
                "verdict": form.verdict.data, "comment": form.comment.data, "conditions": form.conditions.data,
                "negative_list_confirmed": everything_checked})):
            flash(_("预审已签批。"), "success")
            return redirect(url_for("screening.detail", screening_id=screening.id))
    return render_template("screening/detail.html", screening=screening, form=form,
                           can_sign=can(current_user, Action.SIGN_SCREENING) and screening.signed_at is None
                           and screening.superseded_at is None,
                           rows=threshold_rows(screening), policy=screening.policy, history=record_history(screening))


@bp.route("/screenings")
@login_required
def table():
    sort, desc = web_sort(request.args, services.SORT_KEYS, "score")
    result = fetch_page(services.screened_table(current_user, sort, desc), web_page_number(), PER_PAGE)
    return render_template("screening/table.html", screenings=result.items, page=result.page, total=result.total,
                           per_page=PER_PAGE, sort=sort, desc=desc, indicators=INDICATORS[:4])


@bp.route("/screenings/export.xlsx")
@login_required
def export():
    sort, desc = web_sort(request.args, services.SORT_KEYS, "score")
    rows = db.session.scalars(services.screened_table(current_user, sort, desc))
    return send_file(screenings_workbook(rows), as_attachment=True,
                     download_name="项目预审表.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/screenings/pending")
@login_required
def pending():
    result = fetch_page(services.awaiting_signoff(current_user), web_page_number(), PER_PAGE)
    return render_template("screening/pending.html", pending=result, per_page=PER_PAGE)


@bp.route("/admin/policies")
@admin_required
def policies():
    return render_template("screening/policies.html", policies=policy_rules.all_policies())


def _policy_form(policy: Policy | None) -> PolicyForm:
    form = PolicyForm(obj=policy) if policy else PolicyForm()
    if policy is not None and not form.is_submitted():
        for name in ("target_divisions", "related_divisions", "restricted_divisions"):
            getattr(form, name).data = ",".join(getattr(policy, name))
    form.scope_unit_id.choices = [(None, _("全市通用"))] + unit_choices()
    form.veto_below.choices = [(k, _(INDICATOR_LABELS[k])) for k in INDICATORS[:4]]
    form.negative_list_codes.choices = [(item.code, item.label) for item in list_items(ListKind.NEGATIVE_LIST)]
    return form


def _policy_data(form: PolicyForm) -> dict:
    return {name: field.data for name, field in form._fields.items()
            if name in policy_rules.POLICY_FIELDS or name == "active"}


@bp.route("/admin/policies/new", methods=["GET", "POST"])
@admin_required
def new_policy():
    form = _policy_form(None)
    if form.validate_on_submit() and run_service(form, lambda: policy_rules.create_policy(current_user, _policy_data(form))):
        flash(_("准入标准已保存。"), "success")
        return redirect(url_for("screening.policies"))
    return render_template("screening/policy_form.html", form=form, policy=None)


@bp.route("/admin/policies/<int:policy_id>", methods=["GET", "POST"])
@admin_required
def policy(policy_id: int):
    current = db.session.get(Policy, policy_id) or abort(404)
    form = _policy_form(current)
    revised = []
    if form.validate_on_submit() and run_service(form, lambda: revised.append(
            policy_rules.revise_policy(current_user, current, _policy_data(form)))):
        flash(_("已保存为新版本 v%(n)s；原版本保持不变。", n=revised[0].version), "success")
        return redirect(url_for("screening.policy", policy_id=revised[0].id))
    return render_template("screening/policy_form.html", form=form, policy=current,
                           used=policy_rules.is_used(current))


@bp.post("/admin/policies/<int:policy_id>/activate")
@admin_required
def activate(policy_id: int):
    current = db.session.get(Policy, policy_id) or abort(404)
    form = PolicyForm()
    if run_service(form, lambda: policy_rules.activate_policy(current_user, current)):
        flash(_("已启用。"), "success")
    return redirect(url_for("screening.policies"))
