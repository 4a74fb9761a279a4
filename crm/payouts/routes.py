"""Web views of incentive payouts (奖励兑现): thin views over crm.payouts.services."""

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from crm.attachments.models import Attachment
from crm.attachments.page import owner_section
from crm.audit.present import history_page, owned_rows, records_condition
from crm.core.dates import local_today
from crm.core.errors import NotFound, ValidationFailed
from crm.core.forms import run_service
from crm.core.paging import fetch_page, web_page_number
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, can, require
from crm.domain import PayoutKind, PayoutState
from crm.payouts import documents, policies, services
from crm.payouts.choices import recipient_choices, recipient_filter_choices, term_choices, unit_choices
from crm.payouts.export import ledger_workbook
from crm.payouts.forms import RECIPIENT_ROWS, PayoutForm, RewardPolicyForm, StepForm
from crm.payouts.models import Payout, PayoutRecipient
from crm.payouts.queries import (
    approved_not_paid,
    clean_filters,
    eligible_not_requested,
    ledger_stmt,
    ledger_totals,
)
from crm.projects.access import project_for

bp = Blueprint("payouts", __name__)
PER_PAGE = 30
# Each step's URL word is its service's name (approve_payout → /payouts/<id>/approve): its fields and message.
STEPS = {service.__name__.removesuffix("_payout"): (service, names, done) for service, names, done in (
    (services.approve_payout, ("comment",), _l("已审批。")),
    (services.reject_payout, ("comment",), _l("已驳回。")),
    (services.pay_payout, ("paid_date", "voucher_no"), _l("已登记支付。")),
    (services.reverse_payout, ("reason",), _l("已冲销。")))}


def _filters() -> dict:
    try:
        return {k: v for k, v in clean_filters(request.args).items() if v}
    except ValidationFailed as err:
        flash(err.message, "warning")  # a garbled filter shows the whole ledger, saying why
        return {}


@bp.get("/payouts")
@login_required
def ledger():
    require(current_user, Action.READ, current_user.unit_id)  # rows are then scoped to what the user may read
    filters = _filters()
    page = fetch_page(ledger_stmt(current_user, filters), web_page_number(), PER_PAGE)
    people, choose_unit_first = recipient_filter_choices(current_user, filters.get("unit_id"),
                                                         filters.get("recipient_id"))
    return render_template("payouts/ledger.html", payouts=page.items, total=page.total, page=page.page,
                           per_page=PER_PAGE, filters=filters, totals=ledger_totals(current_user, filters),
                           kinds=PayoutKind.choices(), states=PayoutState.choices(), units=unit_choices(current_user),
                           people=people, choose_unit_first=choose_unit_first)


@bp.get("/payouts/export.xlsx")
@login_required
def export():
    require(current_user, Action.READ, current_user.unit_id)
    filters = _filters()
    book = ledger_workbook(ledger_stmt(current_user, filters), ledger_totals(current_user, filters))
    return send_file(book, as_attachment=True, download_name="奖励兑现台账.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/payouts/waiting")
@login_required
def waiting():
    require(current_user, Action.PAY_PAYOUT)
    today = local_today()
    return render_template("payouts/waiting.html", eligible=eligible_not_requested(current_user, today),
                           unpaid=approved_not_paid(current_user, today))


def _form(project, payout=None) -> PayoutForm:
    form = PayoutForm(obj=payout)
    form.term_id.choices = [(None, _("（招商奖励不选）"))] + term_choices(project)
    return form


def _render_form(form, project, payout=None):
    rows = [{"who": "", "share": ""} for _i in range(RECIPIENT_ROWS)]
    source = request.form if request.method == "POST" else None
    for i in range(RECIPIENT_ROWS):
        if source is not None:
            rows[i] = {"who": source.get(f"recipient-{i}", ""), "share": source.get(f"share-{i}", "")}
        elif payout is not None and i < len(payout.recipients):
            r = payout.recipients[i]
            rows[i] = {"who": f"u{r.user_id}" if r.user_id else f"d{r.unit_id}", "share": r.share}
    return render_template("payouts/form.html", form=form, project=project, payout=payout, rows=rows,
                           choices=recipient_choices(current_user, include_units=True))


@bp.route("/projects/<int:project_id>/payouts/new", methods=["GET", "POST"])
@login_required
def new(project_id: int):
    project = project_for(current_user, project_id, Action.WRITE)
    form = _form(project)
    if form.validate_on_submit():
        result = run_service(form, lambda: services.request_payout(current_user, project,
                                                                   form.data_for_service(request.form)))
        if result:
            flash(_("兑现申请已提交。"), "success")
            return redirect(url_for("payouts.detail", payout_id=result.value.id))
    return _render_form(form, project)


def _payout(payout_id: int) -> Payout:
    payout = record_by_id(Payout, payout_id)
    if payout is None or not can(current_user, Action.READ, payout.unit_id):
        raise NotFound(_("兑现记录不存在，或您无权查看。"))
    return payout


@bp.route("/payouts/<int:payout_id>/edit", methods=["GET", "POST"])
@login_required
def edit(payout_id: int):
    payout = _payout(payout_id)
    project = project_for(current_user, payout.project_id, Action.WRITE)
    form = _form(project, payout)
    if form.validate_on_submit() and run_service(form, lambda: services.update_payout(
            current_user, payout, form.data_for_service(request.form), form.version.data)):
        flash(_("兑现申请已保存。"), "success")
        return redirect(url_for("payouts.detail", payout_id=payout.id))
    return _render_form(form, project, payout)


@bp.get("/payouts/<int:payout_id>")
@login_required
def detail(payout_id: int):
    payout = _payout(payout_id)
    step_form = StepForm(formdata=None, version=payout.version, paid_date=local_today())
    return render_template("payouts/detail.html", payout=payout, step_form=step_form, history=payout_history(payout),
                           may_approve=can(current_user, Action.APPROVE_PAYOUT),
                           may_pay=can(current_user, Action.PAY_PAYOUT),
                           may_edit=can(current_user, Action.WRITE, payout.unit_id),
                           **owner_section(current_user, documents.KIND, payout, documents.default_category(payout)))


def payout_history(payout: Payout):
    """A page of the payout's history in words: its own steps, its recipients' shares and its documents'."""
    return history_page(records_condition(
        payout, owned_rows(PayoutRecipient, PayoutRecipient.payout_id == payout.id),
        owned_rows(Attachment, Attachment.payout_id == payout.id)))


@bp.post("/payouts/<int:payout_id>/<step>")
@login_required
def take_step(payout_id: int, step: str):
    if step not in STEPS:
        raise NotFound(_("页面不存在。"))
    payout = _payout(payout_id)
    service, names, done = STEPS[step]
    form = StepForm()
    if form.validate_on_submit():
        values = [getattr(form, name).data for name in names]
        if run_service(None, lambda: service(current_user, payout, *values, form.version.data)):
            flash(str(done), "success")
    else:
        flash(_("提交的内容有误，请刷新后重试。"), "danger")
    return redirect(url_for("payouts.detail", payout_id=payout.id))


@bp.route("/payouts/policies", methods=["GET", "POST"])
@login_required
def reward_policies():
    require(current_user, Action.MANAGE)
    form = RewardPolicyForm()
    tiers = [{"min_wan": request.form.get(f"min-{i}", ""), "fixed_wan": request.form.get(f"fixed-{i}", ""),
              "rate_percent": request.form.get(f"rate-{i}", "")} for i in range(5)]
    if form.validate_on_submit():
        data = {"name": form.name.data, "source": form.source.data,
                "tiers": [t for t in tiers if any(v.strip() for v in t.values())]}
        if run_service(form, lambda: policies.create_reward_policy(current_user, data)):
            flash(_("奖励标准已保存为新版本并启用。"), "success")
            return redirect(url_for("payouts.reward_policies"))
    return render_template("payouts/policies.html", form=form, tiers=tiers, policies=policies.policies(),
                           tier_text=policies.tier_text)

