"""Screening and policy forms. Shapes only: crm.screening.services and .policies hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from crm.core.forms import MaxLength, amount_field, coerce_optional_int
from crm.domain import Verdict


class PrepareForm(FlaskForm):
    """The project's figures, prefilled; what is changed here is the screening's, not the project's."""

    industry_code = SelectField(_l("行业大类（GB/T 4754-2017）"), validate_choice=False,
                                render_kw={"data-searchable": _l("输入行业名称或代码筛选")})
    fixed_asset_investment_wan = amount_field(_l("固定资产投资（万元）"))
    land_area_mu = amount_field(_l("用地面积（亩）"))
    floor_area_m2 = amount_field(_l("租用厂房面积（平方米）"))
    expected_annual_output_wan = amount_field(_l("达产年产值（万元）"))
    expected_annual_tax_wan = amount_field(_l("达产年税收（万元）"))
    annual_energy_tce = amount_field(_l("年综合能耗（吨标准煤）"))
    annual_electricity_wan_kwh = amount_field(_l("年用电量（万千瓦时）"))
    submit = SubmitField(_l("计算预审结果"))


class DecisionForm(FlaskForm):
    verdict = SelectField(_l("预审结论"), choices=Verdict.lazy_choices())
    comment = TextAreaField(_l("审核意见"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 2})
    conditions = TextAreaField(_l("附加条件（有条件通过时必填）"), validators=[Optional(), MaxLength(5000)],
                               render_kw={"rows": 2})
    checked = SelectMultipleField(_l("负面清单核查"), validate_choice=False)
    submit = SubmitField(_l("签批"))


class PolicyForm(FlaskForm):
    name = StringField(_l("准入标准名称"), validators=[MaxLength(200)])
    scope_unit_id = SelectField(_l("适用范围"), coerce=coerce_optional_int, validate_choice=False)
    min_tax_per_mu = amount_field(_l("亩均税收下限（万元/亩）"))
    min_investment_intensity = amount_field(_l("投资强度下限（万元/亩）"))
    min_output_per_mu = amount_field(_l("亩均产值下限（万元/亩）"))
    max_energy_per_output = amount_field(_l("单位产值能耗上限（吨标准煤/万元）"))
    max_annual_energy_tce = amount_field(_l("年综合能耗上限（tce，可空）"))
    weight_tax = StringField(_l("亩均税收权重"), validators=[Optional(), MaxLength(3)])
    weight_intensity = StringField(_l("投资强度权重"), validators=[Optional(), MaxLength(3)])
    weight_output = StringField(_l("亩均产值权重"), validators=[Optional(), MaxLength(3)])
    weight_energy = StringField(_l("能耗权重"), validators=[Optional(), MaxLength(3)])
    weight_industry = StringField(_l("产业契合度权重"), validators=[Optional(), MaxLength(3)])
    pass_score = amount_field(_l("通过分数线"))
    conditional_score = amount_field(_l("有条件通过分数线"))
    target_divisions = StringField(_l("目标产业大类（逗号分隔）"), validators=[Optional(), MaxLength(400)])
    related_divisions = StringField(_l("关联产业大类（逗号分隔）"), validators=[Optional(), MaxLength(400)])
    restricted_divisions = StringField(_l("限制产业大类（逗号分隔，一票否决）"), validators=[Optional(), MaxLength(400)])
    veto_below = SelectMultipleField(_l("未达标即否决的指标"), validate_choice=False)
    negative_list_codes = SelectMultipleField(_l("签批时须核查的负面清单项"), validate_choice=False)
    floor_m2_per_mu = amount_field(_l("厂房面积折算（平方米/亩，可空）"))
    allow_no_land = BooleanField(_l("允许无用地项目（按亩指标不适用）"), default=True)
    source = TextAreaField(_l("依据"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 4})
    active = BooleanField(_l("保存后启用"), default=True)
    version = HiddenField()
    submit = SubmitField(_l("保存"))
