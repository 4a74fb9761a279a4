from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from crm.core.forms import MaxLength, coerce_optional_int
from crm.domain import FollowUpKind


class FollowUpForm(FlaskForm):
    """Add or edit a follow-up. The rules (dates, owner) are checked again by the services."""

    followed_on = DateField(_l("跟进日期"), validators=[InputRequired(_l("请填写跟进日期。"))])
    kind = SelectField(_l("方式"), choices=FollowUpKind.lazy_choices())
    people = StringField(_l("参与人员"), validators=[Optional(), MaxLength(300)],
                         description=_l("我方及对方参与人员，如：李晓燕；某公司副总经理王某"))
    notes = TextAreaField(
        _l("跟进情况"),
        validators=[InputRequired(_l("请填写跟进情况。")), MaxLength(5000)],
        render_kw={"rows": 4},
    )
    next_action = StringField(_l("下一步工作"),
                              validators=[Optional(), MaxLength(500)])
    next_action_due = DateField(_l("完成时限"), validators=[Optional()])
    next_action_owner_id = SelectField(_l("负责人"), coerce=coerce_optional_int, validate_choice=False)
    version = HiddenField()
    submit = SubmitField(_l("保存跟进记录"))

    def data_for_service(self) -> dict:
        return {
            "followed_on": self.followed_on.data, "kind": self.kind.data, "people": self.people.data,
            "notes": self.notes.data, "next_action": self.next_action.data,
            "next_action_due": self.next_action_due.data, "next_action_owner_id": self.next_action_owner_id.data,
        }


class FollowUpActionForm(FlaskForm):
    """A POST button (mark done, archive) carrying the version the user saw."""

    version = HiddenField()
    submit = SubmitField(_l("确定"))
