"""What a trip looks like to the API and the Excel export: generated from the model columns
(crm/core/schema.py), so a column's label and codes are declared once, on the model."""

from __future__ import annotations

from datetime import date

from marshmallow import fields
from marshmallow_sqlalchemy import auto_field

from crm.core.dates import local_today
from crm.core.i18n import N_
from crm.core.schema import ModelSchema, Shape, computed, label_meta
from crm.domain import TripState
from crm.trips.models import Trip, TripTarget


class TripTargetSchema(ModelSchema):
    class Meta:
        model = TripTarget

    id = auto_field(metadata=label_meta(N_("编号")))
    company_name = auto_field()
    uscc = auto_field()
    contact = auto_field()
    topic = auto_field()
    project_id = auto_field()
    lead_created = auto_field()
    visited = auto_field()
    outcome = auto_field()
    next_step = auto_field()


def _overdue(trip: Trip, today: date | None = None) -> bool:
    today = today or local_today()
    return trip.state == TripState.APPROVED and trip.report_due_date is not None and trip.report_due_date < today


class TripSchema(ModelSchema):
    class Meta:
        model = Trip

    id = auto_field(metadata=label_meta(N_("编号")))
    state = auto_field()
    state_label = computed(lambda t: TripState(t.state).title, "string")
    unit_id = auto_field()
    traveller_ids = fields.List(fields.Integer(), dump_only=True, metadata=label_meta(N_("出行人员")))
    traveller_names = auto_field()
    start_date = auto_field()
    end_date = auto_field()
    destination_province = auto_field()
    destination_city = auto_field()
    purpose = auto_field()
    budget_wan = auto_field()
    late = auto_field()
    late_reason = auto_field()
    report_due_date = auto_field()
    report_overdue = computed(_overdue, "boolean", label=N_("报告逾期"))
    submitted_at = auto_field()
    decided_by_id = auto_field()
    decided_at = auto_field()
    decision_comment = auto_field()
    cancel_reason = auto_field()
    reported_at = auto_field()
    report_late = auto_field()
    expenses_wan = auto_field()
    report_notes = auto_field()
    created_by_id = auto_field()
    version = auto_field()
    targets = fields.List(fields.Nested(TripTargetSchema), dump_only=True)
    created_at = auto_field()
    updated_at = auto_field()


class TripTargetInputSchema(Shape):
    id = fields.Integer(metadata={"description": "on PATCH: the target kept (its id); absent: a new target"})
    company_name = fields.String(required=True)
    uscc = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    topic = fields.String(required=True)
    project_id = fields.Integer(allow_none=True)


class TripInputSchema(Shape):
    traveller_ids = fields.List(fields.Integer(), required=True)
    unit_id = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    destination_province = fields.String(required=True, metadata={"description": "e.g. 广东省"})
    destination_city = fields.String(required=True, metadata={"description": "a prefecture-level division, e.g. 深圳市"})
    purpose = fields.String(required=True)
    budget_wan = fields.String(allow_none=True, metadata={"description": "万元; string or number"})
    late_reason = fields.String(allow_none=True)
    targets = fields.List(fields.Nested(TripTargetInputSchema), required=True)


class TripPatchSchema(TripInputSchema):
    version = fields.Integer(required=True)

    class Meta(Shape.Meta):
        partial = True


class TripMoveSchema(Shape):
    version = fields.Integer(required=True)
    comment = fields.String(allow_none=True, metadata={"description": "approve/reject: the approver's comment"})
    reason = fields.String(allow_none=True, metadata={"description": "cancel: why"})
    late_reason = fields.String(allow_none=True, metadata={"description": "submit on/after departure (补报)"})


class TargetReportSchema(Shape):
    target_id = fields.Integer(required=True)
    visited = fields.Boolean(required=True)
    outcome = fields.String(allow_none=True)
    next_step = fields.String(allow_none=True)


class TripReportSchema(Shape):
    version = fields.Integer(required=True)
    targets = fields.List(fields.Nested(TargetReportSchema), required=True)
    expenses_wan = fields.String(required=True, metadata={"description": "万元; string or number"})
    notes = fields.String(allow_none=True)


class LeadInputSchema(Shape):
    """The new project's fields (as POST /api/v1/projects); name, investor, source and unit default
    from the target and the trip."""

    industry_code = fields.String(required=True)
    total_investment_wan = fields.String(required=True)
    fund_origin = fields.String(required=True)
    owner_id = fields.Integer()
    name = fields.String()
