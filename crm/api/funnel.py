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
    median_days_to_next = fields.Float(allow_none=True, metadata={
        "description": "median calendar days (自然日) between the two business dates (the dates the "
                       "transitions took effect, not the days they were typed in)"})


class FunnelStageSchema(FunnelFiguresSchema):
    stage = fields.String(metadata={"description": "stage code, in pipeline order"})
    last_year = fields.Nested(FunnelFiguresSchema, metadata={"description": "the same period last year (同比)"})


class FunnelMeasuresSchema(Shape):
    leads = fields.Integer(metadata={"description": "new projects entering 在谈 (capital increases excluded)"})
    approvals = fields.Integer(metadata={"description": "projects entering 过会"})
    signings = fields.Integer(metadata={"description": "projects entering 签约"})
    starts = fields.Integer(metadata={"description": "projects entering 开工"})
    signed_investment_wan = fields.String(metadata={"description": "total investment of the signings, 万元"})


class FunnelTotalsSchema(FunnelMeasuresSchema):
    last_year = fields.Nested(FunnelMeasuresSchema, metadata={"description": "the same period last year"})


class FunnelRankingRowSchema(FunnelTotalsSchema):
    key = fields.Raw(allow_none=True, metadata={"description": "unit id, chain id (null: 未归链, no chain) or size "
                                                               "band code (under_100m, 100m, 1b, 5b)"})
    name = fields.String(allow_none=True, metadata={"description": "unit or chain name; the band code for bands"})


class FunnelRankingsSchema(Shape):
    unit = fields.List(fields.Nested(FunnelRankingRowSchema), metadata={"description": "by unit, best first"})
    chain = fields.List(fields.Nested(FunnelRankingRowSchema), metadata={"description": "by industry chain"})
    band = fields.List(fields.Nested(FunnelRankingRowSchema), metadata={"description": "by size band, smallest first"})


class FunnelCycleStepSchema(Shape):
    key = fields.Integer(allow_none=True, metadata={"description": "unit or chain id (null in `overall`)"})
    from_ = fields.String(data_key="from", metadata={"description": "the earlier stage"})
    to = fields.String(metadata={"description": "the next stage"})
    count = fields.Integer(metadata={"description": "steps completed in the period"})
    median = fields.Float(metadata={"description": "median calendar days (自然日) between the business dates"})
    p80 = fields.Integer(metadata={"description": "80th percentile (nearest rank), calendar days"})


class FunnelCycleTimesSchema(Shape):
    overall = fields.List(fields.Nested(FunnelCycleStepSchema))
    by_unit = fields.List(fields.Nested(FunnelCycleStepSchema))
    by_chain = fields.List(fields.Nested(FunnelCycleStepSchema))
    slowest = fields.Nested(FunnelCycleStepSchema, allow_none=True,
                            metadata={"description": "the overall step with the longest median"})


class FunnelSchema(Shape):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    stages = fields.List(fields.Nested(FunnelStageSchema))
    cycle_times = fields.Nested(FunnelCycleTimesSchema, metadata={
        "description": "进度时效: days per step `from`→`to` completed in the period, calendar days (自然日) "
                       "between the business dates"})
    rankings = fields.Nested(FunnelRankingsSchema, metadata={"description": "by unit, chain and size band"})
    totals = fields.Nested(FunnelTotalsSchema, metadata={"description": "the whole every ranking adds up to"})


@bp.get("/funnel")
@doc("The leaders' funnel (招商漏斗): per stage entered, current, conversion and median days to the next stage, "
     "beside the same period last year; cycle times and rankings. Staff and unit heads get their unit's figures",
     params=("from", "to", "unit_id", "chain_id", "tier", "source"), statuses=(401, 403, 422), response="Funnel")
def funnel():
    actor = api_user()
    return build_report(actor, parse_filters(actor, request.args)).as_json()
