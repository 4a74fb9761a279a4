from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from crm.core.forms import MaxLength


class ChainForm(FlaskForm):
    name = StringField(_l("产业链名称"), validators=[DataRequired(_l("请填写产业链名称。")), MaxLength(100)])
    description = TextAreaField(_l("说明"), validators=[Optional(), MaxLength(2000)])
    division_codes = SelectMultipleField(_l("覆盖的行业大类"), render_kw={"size": 12})
    sort_order = IntegerField(_l("排序"), default=0, validators=[Optional(), NumberRange(min=0, max=9999)])
    version = HiddenField()
    submit = SubmitField(_l("保存"))


class ListItemForm(FlaskForm):
    code = StringField(
        _l("代码"),
        validators=[DataRequired(_l("请填写代码。")), MaxLength(64),
                    Regexp(r"^[a-z0-9_]+$", message=_l("代码只能包含小写字母、数字和下划线。"))],
    )
    label = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称。")), MaxLength(200)])
    sort_order = IntegerField(_l("排序"), default=0, validators=[Optional(), NumberRange(min=0, max=9999)])
    version = HiddenField()
    submit = SubmitField(_l("保存"))
