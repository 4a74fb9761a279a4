"""The project record's fields, declared once (crm/core/schema.py reads the model columns): the API's
output and documentation (crm/api/schemas.py extends this schema) and the ledger's Excel columns."""

from __future__ import annotations

from marshmallow import validate
from marshmallow_sqlalchemy import auto_field

from crm.core.i18n import N_
from crm.core.schema import ModelSchema, computed, label_meta
from crm.projects.models import Project


class ProjectFieldsSchema(ModelSchema):
    """Every field of the project record; labelled fields are the ledger's Excel columns."""

    class Meta:
        model = Project

    id = auto_field(metadata=label_meta(N_("编号")))
    name = auto_field()
    investor_name = auto_field()
    investor_uscc = auto_field(metadata=label_meta(N_("统一社会信用代码")) | {
        "description": "18-character USCC, check digit verified"})
    industry_code = auto_field(validate=validate.Regexp("^[0-9]{2}$"), metadata=label_meta(N_("行业大类")))
    chain_id = auto_field()
    unit_id = auto_field()
    owner_id = auto_field()
    lead_leader_id = auto_field()
    stage = auto_field()
    status = auto_field()
    drop_reason = auto_field("drop_reason_code", metadata=label_meta(N_("终止原因")) | {"reference": "drop_reason"})
    source = auto_field()
    fund_origin = auto_field()
    kind = auto_field()
    parent_project_id = auto_field()
    total_investment_wan = auto_field()
    fixed_asset_investment_wan = auto_field()
    foreign_investment_usd_wan = auto_field()
    exchange_rate = auto_field()
    land_area_mu = auto_field()
    floor_area_m2 = auto_field()
    expected_annual_output_wan = auto_field()
    expected_annual_tax_wan = auto_field()
    annual_energy_tce = auto_field()
    annual_electricity_wan_kwh = auto_field()
    jobs = auto_field()
    intention_agreement_date = auto_field()
    location = auto_field()
    summary = auto_field()
    amounts_changed_after_signing = auto_field()
    created_at = auto_field(metadata=label_meta(N_("录入日期")))
    updated_at = auto_field(metadata=label_meta(N_("最近更新")))
    # Not ledger columns (no label): the concurrency token, and what only the project's own page shows.
    archived = computed(lambda p: p.archived_at is not None, "boolean")
    version = auto_field()
