"""Payout forms (shapes only: the services check every value)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from crm.core.forms import MaxLength, amount_field, coerce_optional_int
from crm.domain import PayoutKind

RECIPIENT_ROWS = 4


class PayoutForm(FlaskForm):
    """Request (or, while applied, change) a payout of a project."""

    kind = SelectField(_l("兑现类型"), choices=PayoutKind.lazy_choices())
    term_id = SelectField(_l("奖扶条款（政策奖扶兑现）"), coerce=coerce_optional_int, validate_choice=False)
    period = StringField(_l("兑现期间/节点"), validators=[MaxLength(50)], description=_l("如：2026、2026Q3、开工奖励"))
    amount_wan = amount_field(_l("金额（万元）"))
    condition_note = StringField(_l("条件核定依据（实缴税收条款必填）"), validators=[Optional(), MaxLength(500)])
    reduction_reason = StringField(_l("调减理由（低于测算金额时必填）"), validators=[Optional(), MaxLength(500)])
    note = TextAreaField(_l("申请说明"), validators=[Optional(), MaxLength(2000)], render_kw={"rows": 2})
    version = HiddenField()
    submit = SubmitField(_l("提交申请"))

    def data_for_service(self, request_form) -> dict:
        data = {name: getattr(self, name).data for name in
                ("kind", "term_id", "period", "amount_wan", "condition_note", "reduction_reason", "note")}
        data["recipients"] = recipients_from(request_form)
        return data


def recipients_from(form) -> list[dict]:
    """Rows recipient-N ("u12" an officer, "d3" a unit) with share-N; empty rows are skipped."""
    rows = []
    for i in range(RECIPIENT_ROWS):
        who, share = (form.get(f"recipient-{i}") or "").strip(), (form.get(f"share-{i}") or "").strip()
        if not who and not share:
            continue
        key = {"u": "user_id", "d": "unit_id"}.get(who[:1], "user_id")
        rows.append({key: who[1:] or None, "share": share})
    return rows


class StepForm(FlaskForm):
    """approve / reject / pay / reverse: a button with the version the user saw and its fields."""

    comment = StringField(_l("意见"), validators=[Optional(), MaxLength(500)])
    paid_date = DateField(_l("支付日期"), validators=[Optional()])
    voucher_no = StringField(_l("凭证号"), validators=[Optional(), MaxLength(100)])
    reason = StringField(_l("冲销理由"), validators=[Optional(), MaxLength(500)])
    version = HiddenField()
    submit = SubmitField(_l("确定"))


class RewardPolicyForm(FlaskForm):
    name = StringField(_l("奖励标准名称"), validators=[MaxLength(200)])
    source = TextAreaField(_l("依据"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 2})
    submit = SubmitField(_l("保存为新版本并启用"))
