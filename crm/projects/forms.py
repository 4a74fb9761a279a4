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
from crm.domain import FundOrigin, IncentiveCondition, Move, ProjectKind, Source, Stage


class ContactForm(Form):
    name = StringField(_l("联系人"), validators=[Optional(), MaxLength(64)])
    title = StringField(_l("职务"), validators=[Optional(), MaxLength(64)])
    phone = StringField(_l("电话"), validators=[Optional(), MaxLength(32)])


class ProjectForm(FlaskForm):
    name = StringField(_l("项目名称"), validators=[MaxLength(200)])
    investor_name = StringField(_l("投资方名称"), validators=[MaxLength(200)])
    investor_uscc = StringField(_l("统一社会信用代码"), validators=[Optional(), MaxLength(30)])
    industry_code = SelectField(_l("行业大类（GB/T 4754-2017）"), validate_choice=False)
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


class CommitmentForm(Form):
    due_date = DateField(_l("到期日"), validators=[Optional()])
    amount_wan = StringField(_l("金额（万元）"), validators=[Optional(), MaxLength(20)])
    description = StringField(_l("说明"), validators=[Optional(), MaxLength(500)])


class TermForm(Form):
    kind = StringField(_l("奖扶类型"), validators=[Optional(), MaxLength(100)])
    cap_wan = StringField(_l("上限（万元）"), validators=[Optional(), MaxLength(20)])
    condition_stage = SelectField(_l("兑现条件"), validate_choice=False, choices=[("", "—")] + IncentiveCondition.lazy_choices())
    description = StringField(_l("说明"), validators=[Optional(), MaxLength(500)])


class MoveForm(FlaskForm):
    """Common to every transition: the business date, a note, and the version the user saw."""

    effective_date = DateField(_l("业务发生日期"), validators=[Optional()])
    note = TextAreaField(_l("备注"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 2})
    version = HiddenField()
    submit = SubmitField(_l("确认"))


class ApproveForm(MoveForm):
    meeting_name = StringField(_l("会议名称"), validators=[Optional(), MaxLength(200)])
    minutes_no = StringField(_l("会议纪要编号"), validators=[Optional(), MaxLength(100)])
    conditions = TextAreaField(_l("附加条件（如有）"), validators=[Optional(), MaxLength(5000)])


class SignForm(MoveForm):
    contract_no = StringField(_l("合同编号"), validators=[Optional(), MaxLength(100)])
    contract_investment_wan = StringField(_l("合同投资额（万元）"), validators=[Optional(), MaxLength(20)])
    agreed_start_date = DateField(_l("约定开工日期"), validators=[Optional()])
    agreed_production_date = DateField(_l("约定投产日期"), validators=[Optional()])
    commitments = FieldList(FormField(CommitmentForm), min_entries=4, max_entries=12)
    incentive_terms = FieldList(FormField(TermForm), min_entries=3, max_entries=12)


class StartForm(MoveForm):
    land_area_mu = StringField(_l("供地面积（亩）"), validators=[Optional(), MaxLength(20)])
    land_certificate_no = StringField(_l("不动产权证号"), validators=[Optional(), MaxLength(100)])


class HoldForm(MoveForm):
    note = TextAreaField(_l("暂缓原因"), validators=[Optional(), MaxLength(5000)], render_kw={"rows": 2})


class DropForm(MoveForm):
    reason = SelectField(_l("终止原因"), validate_choice=False)


class CorrectionForm(MoveForm):
    to_stage = SelectField(_l("更正后的阶段"), choices=Stage.lazy_choices())
    reason = StringField(_l("更正原因"), validators=[Optional(), MaxLength(500)])


MOVE_FORMS = {Move.APPROVED: ApproveForm, Move.SIGNED: SignForm, Move.STARTED: StartForm, Move.PRODUCING: MoveForm,
              Move.ON_HOLD: HoldForm, Move.RESUME: MoveForm, Move.DROPPED: DropForm, Move.CORRECTION: CorrectionForm}


class PermitForm(FlaskForm):
    done_date = DateField(_l("办结日期"), validators=[Optional()])
    reference_no = StringField(_l("批文/证书编号"), validators=[Optional(), MaxLength(100)])
    note = StringField(_l("备注"), validators=[Optional(), MaxLength(500)])
    version = HiddenField()
    submit = SubmitField(_l("登记办结"))


class InvestorRulingForm(FlaskForm):
    other_project_id = HiddenField()
    verdict = SelectField(_l("判定"), choices=[("same", _l("同一投资方（重复统计）")), ("distinct", _l("不同投资方"))])
    note = StringField(_l("说明"), validators=[Optional(), MaxLength(500)])
    submit = SubmitField(_l("提交判定"))


class ArchiveProjectForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("归档项目"))
