"""Incentive payouts (奖励兑现) over the API (DOMAIN §9): the same services as the web pages."""

from flask import request
from flask_babel import gettext as _

from crm.api import bp
from crm.api.base import api_user, commit_after, doc, json_body, paginated
from crm.core.errors import NotFound
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, can
from crm.payouts import services
from crm.payouts.models import Payout
from crm.payouts.queries import FILTERS, clean_filters, ledger_stmt, ledger_totals
from crm.payouts.schemas import PayoutSchema
from crm.projects.access import project_for

serialize_payout = PayoutSchema().dump


def _payout(payout_id: int) -> Payout:
    """The payout, if the caller may read it (another unit's record is a 404, leaking nothing)."""
    payout = record_by_id(Payout, payout_id)
    if payout is None or not can(api_user(), Action.READ, payout.unit_id):
        raise NotFound(_("兑现记录不存在，或您无权查看。"))
    return payout


@bp.get("/payouts")
@doc("The payout ledger (奖励兑现), newest first; `totals` are the sums of every filtered row",
     params=(*FILTERS, "page", "per_page"), statuses=(401, 422), response="PayoutPage")
def list_payouts():
    filters = clean_filters(request.args)
    body = paginated(ledger_stmt(api_user(), filters), serialize_payout)
    totals = ledger_totals(api_user(), filters)
    body["totals"] = {"count": totals.count, "amount_wan": str(totals.amount_wan),
                      "by_state": {state.value: str(amount) for state, amount in totals.by_state.items()}}
    return body


@bp.post("/payouts")
@doc("Request a payout: kind investor (term_id) or contributor (recipients [{user_id or unit_id, share}])",
     body="PayoutInput", statuses=(400, 401, 403, 404, 409, 422), ok_status=201, response="Payout")
@commit_after
def create_payout():
    body = json_body()
    project = project_for(api_user(), body.get("project_id"), Action.WRITE)
    payout = services.request_payout(api_user(), project, body)
    return serialize_payout(payout), 201


@bp.get("/payouts/<int:payout_id>")
@doc("One payout with its recipients, computation and reversal", statuses=(401, 404), response="Payout")
def get_payout(payout_id: int):
    return serialize_payout(_payout(payout_id))


@bp.patch("/payouts/<int:payout_id>")
@doc("Change a request while it is applied; carries the record's version", body="PayoutPatch",
     statuses=(400, 401, 403, 404, 409, 422), response="Payout")
@commit_after
def update_payout(payout_id: int):
    payout = _payout(payout_id)
    body = json_body()
    services.update_payout(api_user(), payout, body, body.get("version"))
    return serialize_payout(payout)


@bp.post("/payouts/<int:payout_id>/approve")
@doc("Approve a request (a leader other than the applicant); optional comment and version", body="PayoutStep",
     statuses=(400, 401, 403, 404, 409, 422), response="Payout")
@commit_after
def approve_payout(payout_id: int):
    payout, body = _payout(payout_id), json_body()
    services.approve_payout(api_user(), payout, body.get("comment"), body.get("version"))
    return serialize_payout(payout)


@bp.post("/payouts/<int:payout_id>/reject")
@doc("Reject a request not yet paid, with a comment", body="PayoutStep", statuses=(400, 401, 403, 404, 409, 422),
     response="Payout")
@commit_after
def reject_payout(payout_id: int):
    payout, body = _payout(payout_id), json_body()
    services.reject_payout(api_user(), payout, body.get("comment"), body.get("version"))
    return serialize_payout(payout)


@bp.post("/payouts/<int:payout_id>/pay")
@doc("Record the payment of an approved payout: paid_date (not before approval, not in the future), voucher_no",
     body="PayoutStep", statuses=(400, 401, 403, 404, 409, 422), response="Payout")
@commit_after
def pay_payout(payout_id: int):
    payout, body = _payout(payout_id), json_body()
    services.pay_payout(api_user(), payout, body.get("paid_date"), body.get("voucher_no"), body.get("version"))
    return serialize_payout(payout)


@bp.post("/payouts/<int:payout_id>/reverse")
@doc("Reverse a paid payout with a reason: returns the new negative record pointing at the original",
     body="PayoutStep", statuses=(400, 401, 403, 404, 409, 422), ok_status=201, response="Payout")
@commit_after
def reverse_payout(payout_id: int):
    payout, body = _payout(payout_id), json_body()
    reversal = services.reverse_payout(api_user(), payout, body.get("reason"), body.get("version"))
    return serialize_payout(reversal), 201
