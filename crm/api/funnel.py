"""The leaders' funnel over the API (DOMAIN.md §7, §9): the same report as /funnel."""

from flask import request
from marshmallow import fields

from crm.api import bp
from crm.api.base import api_user, doc
from crm.core.schema import Shape
from crm.funnel.filters import parse_filters
from crm.funnel.report import build_report


class FunnelFiguresSchema(Shape):
    entered = fields.Integer(metadata={"description": "distinct projects that entered the stage in the period"})
    entered_investment_wan = fields.String(metadata={"description": "their total investment, 万元 (a capital "
                                                                    "increase counts its increment)"})
    current = fields.Integer(metadata={"description": "projects at the stage as of `to`, active or on hold"})
    conversion = fields.Float(allow_none=True, metadata={"description": "share of those entered that entered the "
                                                                        "next stage by `to`"})
    median_days_to_next = fields.Float(allow_none=True, metadata={"description": "calendar days (自然日)"})


class FunnelStageSchema(FunnelFiguresSchema):
    stage = fields.String(metadata={"description": "stage code, in pipeline order"})
    last_year = fields.Nested(FunnelFiguresSchema, metadata={"description": "the same period last year (同比)"})


class FunnelSchema(Shape):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    stages = fields.List(fields.Nested(FunnelStageSchema))
    cycle_times = fields.Dict(metadata={"description": "进度时效: overall, by_unit, by_chain (median, p80, count "
                                                       "per step `from`→`to`), slowest"})
    rankings = fields.Dict(metadata={"description": "by unit, chain and size band: leads, approvals, signings, "
                                                    "starts, signed_investment_wan, last_year"})
    totals = fields.Dict(metadata={"description": "the whole every ranking adds up to"})


@bp.get("/funnel")
@doc("The leaders' funnel (招商漏斗): per stage entered, current, conversion and median days to the next stage, "
     "beside the same period last year; cycle times and rankings. Staff and unit heads get their unit's figures",
     params=("from", "to", "unit_id", "chain_id", "tier", "source"), statuses=(401, 403, 422), response="Funnel")
def funnel():
    actor = api_user()
    return build_report(actor, parse_filters(actor, request.args)).as_json()
