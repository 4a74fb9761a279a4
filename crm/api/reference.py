"""Units, chains and the industry classification: reference data every signed-in user may read."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api import bp
from crm.api.base import doc, paginated
from crm.reference.models import Chain, IndustryDivision
from crm.units.models import Unit


def serialize_unit(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
            "location": unit.location, "archived": unit.is_archived, "version": unit.version}


def serialize_chain(chain: Chain) -> dict:
    return {"id": chain.id, "name": chain.name, "description": chain.description,
            "division_codes": chain.division_codes, "archived": chain.is_archived, "version": chain.version}


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
    return paginated(
        select(IndustryDivision).order_by(IndustryDivision.code),
        lambda d: {"code": d.code, "name": d.name, "name_en": d.name_en, "section": d.section_code},
    )
