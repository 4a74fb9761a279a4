from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Optional, Regexp

from crm.core.forms import MaxLength, coerce_optional_int
from crm.domain import Role, UnitKind


class UserForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        validators=[DataRequired(_l("请填写用户名。")), MaxLength(64),
                    Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、下划线、点和连字符。"))],
    )
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), MaxLength(64)])
    role = SelectField(_l("角色"), choices=Role.lazy_choices())
    unit_id = SelectField(_l("所属单位"), coerce=coerce_optional_int, validate_choice=False)
    phone = StringField(_l("电话"), validators=[Optional(), MaxLength(32)])
    email = StringField(_l("邮箱"), validators=[Optional(), Email(_l("邮箱格式不正确。")), MaxLength(120)])
    active = BooleanField(_l("启用"), default=True)
    password = PasswordField(_l("初始密码"), validators=[Optional(), MaxLength(128)])
    version = HiddenField()
    submit = SubmitField(_l("保存"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(_l("请输入新密码。")), MaxLength(128)])
    submit = SubmitField(_l("重置密码"))


class UnitForm(FlaskForm):
    name = StringField(_l("单位名称"), validators=[DataRequired(_l("请填写单位名称。")), MaxLength(100)])
    kind = SelectField(_l("单位类型"), choices=UnitKind.lazy_choices())
    parent_id = SelectField(_l("上级单位"), coerce=coerce_optional_int, validate_choice=False)
    location = StringField(_l("所在地"), validators=[Optional(), MaxLength(100)])
    version = HiddenField()
    submit = SubmitField(_l("保存"))


