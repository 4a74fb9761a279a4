"""The payout record over the API and in the Excel ledger, generated from the model columns."""

from __future__ import annotations

from marshmallow import fields, validate
from marshmallow_sqlalchemy import auto_field

from crm.core.i18n import N_
from crm.core.schema import ModelSchema, Shape, column_field, computed, label_meta
from crm.domain import PayoutKind, PayoutState
from crm.payouts.models import Payout, PayoutRecipient


class RecipientSchema(ModelSchema):
    class Meta:
        model = PayoutRecipient

    user_id = auto_field()
    unit_id = auto_field()
    name = computed(lambda r: r.name, "string", label=N_("获奖对象"))
    share = auto_field()


class PayoutSchema(ModelSchema):
    """Field order is the Excel ledger's column order."""

    class Meta:
        model = Payout

    id = auto_field(metadata=label_meta(N_("编号")))
    kind = auto_field(validate=validate.OneOf(PayoutKind.codes()))
    project_id = auto_field()
    project_name = computed(lambda o: o.project.name, "string", label=N_("项目名称"))
    unit_id = auto_field()
    unit_name = computed(lambda o: o.unit.name, "string", label=N_("责任单位名称"))
    term_id = auto_field()
    term_kind = computed(lambda o: o.term.kind if o.term else None, ["string", "null"], label=N_("奖扶类型"))
    period = auto_field()
    amount_wan = auto_field()
    state = auto_field(validate=validate.OneOf(PayoutState.codes()))
    note = auto_field()
    condition_note = auto_field()
    reward_policy_id = auto_field()
    reward_policy_version = computed(lambda o: o.reward_policy.version if o.reward_policy else None,
                                     ["integer", "null"], label=N_("奖励标准版本号"))
    computed_wan = auto_field()
    computation = auto_field()
    reduction_reason = auto_field()
    recipients = fields.List(fields.Nested(RecipientSchema), dump_only=True)
    applicant_id = auto_field()
    decided_by_id = auto_field()
    decided_on = auto_field()
    decision_comment = auto_field()
    paid_by_id = auto_field()
    paid_date = auto_field()
    voucher_no = auto_field()
    reverses_id = auto_field()
    reversed_by_id = computed(lambda o: o.reversed_by.id if o.reversed_by else None, ["integer", "null"],
                              label=N_("冲销记录"))
    reason = auto_field()
    version = auto_field(metadata=label_meta(N_("版本")))
    created_at = auto_field(metadata=label_meta(N_("申请时间")))
    updated_at = auto_field(metadata=label_meta(N_("更新时间")))


class RecipientInputSchema(Shape):
    user_id = column_field(PayoutRecipient, "user_id", required=False)
    unit_id = column_field(PayoutRecipient, "unit_id", required=False)
    share = column_field(PayoutRecipient, "share", required=True)


class PayoutInputSchema(Shape):
    """A request; the services check every value and answer bad input with a Chinese 422."""

    kind = column_field(Payout, "kind", required=True)
    project_id = column_field(Payout, "project_id", required=True)
    term_id = column_field(Payout, "term_id", required=False, metadata={"description": "investor: the term"})
    period = column_field(Payout, "period", required=True)
    amount_wan = column_field(Payout, "amount_wan", required=True)
    recipients = fields.List(fields.Nested(RecipientInputSchema), metadata={"description": "contributor"})
    note = column_field(Payout, "note", required=False)
    condition_note = column_field(Payout, "condition_note", required=False,
                                  metadata={"description": "actual_tax terms: the verified basis"})
    reduction_reason = column_field(Payout, "reduction_reason", required=False)


class PayoutPatchSchema(PayoutInputSchema):
    class Meta(Shape.Meta):
        exclude = ("kind", "project_id", "term_id")

    version = fields.Integer(required=True)


class PayoutStepSchema(Shape):
    """approve / reject (`comment`), pay (`paid_date`, `voucher_no`), reverse (`reason`)."""

    version = fields.Integer()
    comment = column_field(Payout, "decision_comment", required=False)
    paid_date = column_field(Payout, "paid_date", required=False)
    voucher_no = column_field(Payout, "voucher_no", required=False)
    reason = column_field(Payout, "reason", required=False)


class PayoutTotalsSchema(Shape):
    """The `totals` of the payout list: sums over every filtered row, not just the page."""

    count = fields.Integer(metadata={"description": "payouts matching the filters"})
    amount_wan = fields.String(metadata={"description": "their total amount, 万元 (exact decimal as text)"})
    by_state = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "total amount per state code (applied, approved, paid, rejected, reversed), 万元"})
