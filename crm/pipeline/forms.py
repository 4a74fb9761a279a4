"""Transition and permit forms. Shapes only: the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from crm.core.forms import MaxLength
from crm.domain import IncentiveCondition, Move, Stage
from crm.pipeline.services import DATE_LABELS


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


def _dated(move: Move, form: type) -> type:
    """The move's form with its business date labelled by what it is (会议日期, 签约日期, …)."""
    return type(form.__name__, (form,), {"effective_date": DateField(_l(DATE_LABELS[move]), validators=[Optional()])})


MOVE_FORMS = {Move.APPROVED: ApproveForm, Move.SIGNED: SignForm, Move.STARTED: StartForm, Move.PRODUCING: MoveForm,
              Move.ON_HOLD: HoldForm, Move.RESUME: MoveForm, Move.DROPPED: DropForm, Move.CORRECTION: CorrectionForm}
MOVE_FORMS = {move: _dated(move, form) for move, form in MOVE_FORMS.items()}


class PermitForm(FlaskForm):
    done_date = DateField(_l("办结日期"), validators=[Optional()])
    reference_no = StringField(_l("批文/证书编号"), validators=[Optional(), MaxLength(100)])
    note = StringField(_l("备注"), validators=[Optional(), MaxLength(500)])
    version = HiddenField()
    submit = SubmitField(_l("登记办结"))


class PermitCorrectionForm(FlaskForm):
    """A done permit's date or number corrected with a reason (its note is left as it is)."""

    done_date = DateField(_l("办结日期"), validators=[Optional()])
    reference_no = StringField(_l("批文/证书编号"), validators=[Optional(), MaxLength(100)])
    reason = StringField(_l("更正原因"), validators=[Optional(), MaxLength(500)])
    version = HiddenField()
    submit = SubmitField(_l("更正"))
