"""A payout's documents (approval forms, vouchers): who may see and attach them. The storage and
the checks are the attachments layer's (crm/attachments); a payout registers itself there as an
owner in crm/payouts/feature.py."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from crm.attachments.owners import Owner, register_owner
from crm.core.errors import NotFound, PermissionDenied
from crm.core.parsing import record_by_id
from crm.core.permissions import Action, can
from crm.domain import AttachmentCategory, PayoutState
from crm.payouts.models import Payout

KIND = "payouts"


def may_act(actor, payout: Payout) -> bool:
    """Who takes a step on a payout: its unit's people (the request), the leaders who approve it and
    those who record the payment. A paid record stays open to documents: the voucher comes after."""
    return (can(actor, Action.WRITE, payout.unit_id) or can(actor, Action.APPROVE_PAYOUT)
            or can(actor, Action.PAY_PAYOUT))


def check_payout(actor, payout_id, write: bool) -> Payout:
    payout = record_by_id(Payout, payout_id)
    if payout is None or not can(actor, Action.READ, payout.unit_id):
        raise NotFound(_("兑现记录不存在，或您无权查看。"))
    if write and not may_act(actor, payout):
        raise PermissionDenied(_("您没有权限为此兑现记录上传或归档附件。"))
    return payout


def default_category(payout: Payout) -> AttachmentCategory:
    """A request carries its approval form; an approved or paid record its voucher."""
    return AttachmentCategory.APPROVAL if payout.state == PayoutState.APPLIED else AttachmentCategory.VOUCHER


def register() -> None:
    register_owner(Owner(KIND, "payout_id", check_payout,
                         lambda payout_id: url_for("payouts.detail", payout_id=payout_id)))
