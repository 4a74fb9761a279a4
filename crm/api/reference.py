"""Units, chains and the industry classification: reference data every signed-in user may read."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api import bp
from crm.api.base import doc, paginated
from crm.api.schemas import ChainSchema, IndustrySchema, UnitSchema
from crm.attachments.models import ATTACHMENT_CATEGORIES
from crm.auth.models import ROLE_LABELS
from crm.core.errors import NotFound
from crm.followups.models import FOLLOW_UP_KINDS
from crm.pipeline.permits import ENERGY_TIER_LABELS, PERMIT_LABELS
from crm.projects.constants import (
    FUND_ORIGIN_LABELS,
    KIND_LABELS,
    SIZE_TIERS,
    SOURCE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
)
from crm.projects.forms import INCENTIVE_CONDITION_LABELS
from crm.reference.models import Chain, IndustryDivision
from crm.reference.services import list_items
from crm.screening.models import VERDICT_LABELS
from crm.units.models import UNIT_KIND_LABELS, Unit

serialize_unit = UnitSchema().dump
serialize_chain = ChainSchema().dump


@bp.get("/units")
@doc("Units (单位), the bureau and the teams, parks and towns under it", response="UnitPage",
     params=("page", "per_page"), statuses=(401, 422))
def units():
    return paginated(select(Unit).order_by(Unit.id), serialize_unit)


@bp.get("/chains")
@doc("Industry chains (产业链) with the GB/T 4754 division codes each covers", response="ChainPage",
     params=("page", "per_page"), statuses=(401, 422))
def chains():
    stmt = select(Chain).options(selectinload(Chain.divisions)).order_by(Chain.sort_order, Chain.id)
    return paginated(stmt, serialize_chain)


@bp.get("/industries")
@doc("GB/T 4754-2017 divisions (大类) with their sections (门类)", response="IndustryPage",
     params=("page", "per_page"), statuses=(401, 422))
def industries():
    return paginated(select(IndustryDivision).order_by(IndustryDivision.code), IndustrySchema().dump)


def _labelled(labels: dict):
    return lambda: [{"code": str(code), "label": _(label)} for code, label in labels.items()]


def _list_entries(kind: str):
    return lambda: [{"code": item.code, "label": item.label} for item in list_items(kind)]


# Every vocabulary an integrator may send or receive (DOMAIN §9 "Configurable lists"): the lists
# admins edit, and the fixed codes of the record, each with its Chinese label.
REFERENCE_LISTS = {
    "drop_reason": _list_entries("drop_reason"),
    "negative_list": _list_entries("negative_list"),
    "stage": _labelled(STAGE_LABELS),
    "status": _labelled(STATUS_LABELS),
    "source": _labelled(SOURCE_LABELS),
    "fund_origin": _labelled(FUND_ORIGIN_LABELS),
    "project_kind": _labelled(KIND_LABELS),
    "size_tier": _labelled({code: label for code, (_floor, label) in SIZE_TIERS.items()}),
    "verdict": _labelled(VERDICT_LABELS),
    "permit_kind": _labelled(PERMIT_LABELS),
    "energy_review_tier": _labelled(ENERGY_TIER_LABELS),
    "incentive_condition": _labelled(INCENTIVE_CONDITION_LABELS),
    "follow_up_kind": _labelled(FOLLOW_UP_KINDS),
    "attachment_category": _labelled(ATTACHMENT_CATEGORIES),
    "role": _labelled(ROLE_LABELS),
    "unit_kind": _labelled(UNIT_KIND_LABELS),
}


@bp.get("/reference/<kind>")
@doc("A reference list: the codes the API accepts and returns, with their Chinese labels (drop reasons and "
     "the negative list are edited by admins; the others are fixed)", response="ReferenceList",
     statuses=(401, 404), path_schemas={"kind": {"type": "string", "enum": list(REFERENCE_LISTS)}})
def reference_list(kind: str):
    entries = REFERENCE_LISTS.get(kind)
    if entries is None:
        raise NotFound(_("没有名为 %(kind)s 的参考清单。", kind=kind))
    return {"kind": kind, "items": entries()}
