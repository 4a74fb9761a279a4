"""Trip forms. The filing's travellers and targets are lists of rows, read from the posted form by
`filing_data`; the services check everything again, so the web and the API refuse the same input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from crm.core.forms import MaxLength, amount_field, coerce_optional_int
from crm.domain import FundOrigin

TARGET_KEYS = ("id", "company_name", "uscc", "contact", "topic", "project_id")
BLANK_TARGET_ROWS = 2  # room for new targets on the form; more by saving and editing again


class TripActionForm(FlaskForm):
    """A move on a trip (submit, approve, reject, cancel) carrying the version the user saw."""

    version = HiddenField()
    comment = TextAreaField(_l("审批意见"), validators=[Optional(), MaxLength(500)], render_kw={"rows": 2})
    reason = StringField(_l("取消原因"), validators=[Optional(), MaxLength(500)])
    late_reason = StringField(_l("补报原因"), validators=[Optional(), MaxLength(500)])


class CsrfForm(FlaskForm):
    """Only the CSRF token and the version: the filing and report forms are read row by row."""

    version = HiddenField()


class LeadForm(FlaskForm):
    """The new project from a target: what the target does not know yet."""

    name = StringField(_l("项目名称"), validators=[Optional(), MaxLength(200)])
    industry_code = SelectField(_l("行业大类"), validate_choice=False)
    total_investment_wan = amount_field(_l("总投资（万元）"))
    fund_origin = SelectField(_l("资金来源"), choices=FundOrigin.lazy_choices())
    owner_id = SelectField(_l("责任人"), coerce=coerce_optional_int, validate_choice=False)
    submit = SubmitField(_l("转为项目线索"))


def filing_data(form) -> dict:
    """The filing as the services read it, from a posted form (`request.form`)."""
    province, _sep, city = (form.get("destination") or "").partition("|")
    targets = []
    for i in range(int(form.get("target_rows") or 0) if (form.get("target_rows") or "").isdigit() else 0):
        row = {key: form.get(f"targets-{i}-{key}") for key in TARGET_KEYS}
        if any(row[k] for k in ("company_name", "topic", "contact", "uscc")):
            targets.append(row)
    return {"traveller_ids": form.getlist("traveller_ids"), "unit_id": form.get("unit_id"),
            "start_date": form.get("start_date"), "end_date": form.get("end_date"),
            "destination_province": province or None, "destination_city": city or None,
            "purpose": form.get("purpose"), "budget_wan": form.get("budget_wan"),
            "late_reason": form.get("late_reason"), "targets": targets}


def report_data(form, trip) -> dict:
    rows = []
    for target in trip.targets:
        visited = form.get(f"visited-{target.id}")
        rows.append({"target_id": target.id, "visited": visited if visited in ("1", "0") else None,
                     "outcome": form.get(f"outcome-{target.id}"), "next_step": form.get(f"next_step-{target.id}")})
    return {"targets": rows, "expenses_wan": form.get("expenses_wan"), "notes": form.get("notes")}
