"""Units, chains and the industry classification: reference data every signed-in user may read."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api import bp
from crm.api.base import doc, paginated
from crm.api.schemas import ChainSchema, IndustrySchema, UnitSchema
from crm.core.errors import NotFound
from crm.domain import (
    AttachmentCategory,
    EnergyTier,
    FollowUpKind,
    FundOrigin,
    IncentiveCondition,
    ListKind,
    PermitKind,
    ProjectKind,
    Role,
    SizeTier,
    Source,
    Stage,
    Status,
    UnitKind,
    Verdict,
)
from crm.reference.models import Chain, IndustryDivision
from crm.reference.services import list_items
from crm.units.models import Unit

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


def _labelled(vocabulary):
    return lambda: [{"code": code, "label": title} for code, title in vocabulary.choices()]


def _list_entries(kind: str):
    return lambda: [{"code": item.code, "label": item.label} for item in list_items(kind)]


# Every vocabulary an integrator may send or receive (DOMAIN §9 "Configurable lists"): the lists
# admins edit, and the fixed codes of the record, each with its Chinese label.
REFERENCE_LISTS = {
    ListKind.DROP_REASON.value: _list_entries(ListKind.DROP_REASON),
    ListKind.NEGATIVE_LIST.value: _list_entries(ListKind.NEGATIVE_LIST),
    "stage": _labelled(Stage),
    "status": _labelled(Status),
    "source": _labelled(Source),
    "fund_origin": _labelled(FundOrigin),
    "project_kind": _labelled(ProjectKind),
    "size_tier": _labelled(SizeTier),
    "verdict": _labelled(Verdict),
    "permit_kind": _labelled(PermitKind),
    "energy_review_tier": _labelled(EnergyTier),
    "incentive_condition": _labelled(IncentiveCondition),
    "follow_up_kind": _labelled(FollowUpKind),
    "attachment_category": _labelled(AttachmentCategory),
    "role": _labelled(Role),
    "unit_kind": _labelled(UnitKind),
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
