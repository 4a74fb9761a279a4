"""Project and transition forms. Shapes only: the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from crm.core.forms import MaxLength, amount_field, coerce_optional_int
from crm.domain import FundOrigin, ProjectKind, Source


class ContactForm(Form):
    name = StringField(_l("联系人"), validators=[Optional(), MaxLength(64)])
    title = StringField(_l("职务"), validators=[Optional(), MaxLength(64)])
    phone = StringField(_l("电话"), validators=[Optional(), MaxLength(32)])


class ProjectForm(FlaskForm):
    name = StringField(_l("项目名称"), validators=[MaxLength(200)])
    investor_name = StringField(_l("投资方名称"), validators=[MaxLength(200)])
    investor_uscc = StringField(_l("统一社会信用代码"), validators=[Optional(), MaxLength(30)])
    industry_code = SelectField(_l("行业大类（GB/T 4754-2017）"), validate_choice=False,
                                render_kw={"data-searchable": _l("输入行业名称或代码筛选")})
    chain_id = SelectField(_l("产业链"), coerce=coerce_optional_int, validate_choice=False)
    source = SelectField(_l("项目来源"), choices=Source.lazy_choices())
    kind = SelectField(_l("项目类型"), choices=ProjectKind.lazy_choices())
    parent_project_id = IntegerField(_l("原项目编号（增资项目填写）"), validators=[Optional()])
    unit_id = SelectField(_l("责任单位"), coerce=coerce_optional_int, validate_choice=False)
    owner_id = SelectField(_l("责任人"), coerce=coerce_optional_int, validate_choice=False)
    lead_leader_id = SelectField(_l("包保领导"), coerce=coerce_optional_int, validate_choice=False)
    total_investment_wan = amount_field(_l("总投资（万元）"))
    fixed_asset_investment_wan = amount_field(_l("固定资产投资（万元）"))
    fund_origin = SelectField(_l("资金来源"), choices=FundOrigin.lazy_choices())
    foreign_investment_usd_wan = amount_field(_l("外资金额（万美元，境外资金填写）"))
    exchange_rate = amount_field(_l("汇率（人民币/美元）"))
    land_area_mu = amount_field(_l("新增用地（亩）"))
    floor_area_m2 = amount_field(_l("租用厂房面积（平方米，不新增用地时填写）"))
    expected_annual_output_wan = amount_field(_l("达产年产值（万元）"))
    expected_annual_tax_wan = amount_field(_l("达产年税收（万元）"))
    annual_energy_tce = amount_field(_l("年综合能耗（吨标准煤，当量值）"))
    annual_electricity_wan_kwh = amount_field(_l("年用电量（万千瓦时）"))
    jobs = StringField(_l("新增就业（人）"), validators=[Optional(), MaxLength(10)])
    intention_agreement_date = DateField(_l("框架/意向协议签订日期"), validators=[Optional()])
    location = StringField(_l("拟落地园区/地点"), validators=[Optional(), MaxLength(200)])
    summary = TextAreaField(_l("项目简介"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 4})
    contacts = FieldList(FormField(ContactForm), min_entries=2, max_entries=10)
    version = HiddenField()
    submit = SubmitField(_l("保存"))


class InvestorRulingForm(FlaskForm):
    other_project_id = HiddenField()
    verdict = SelectField(_l("判定"), choices=[("same", _l("同一投资方（重复统计）")), ("distinct", _l("不同投资方"))])
    note = StringField(_l("说明"), validators=[Optional(), MaxLength(500)])
    submit = SubmitField(_l("提交判定"))


class ArchiveProjectForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("归档项目"))
