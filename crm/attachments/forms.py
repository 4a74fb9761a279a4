"""Upload and archive forms for project attachments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Optional

from crm.core.forms import MaxLength
from crm.domain import AttachmentCategory


class AttachmentForm(FlaskForm):
    file = FileField(_l("文件"), validators=[FileRequired(_l("请选择要上传的文件。"))])
    category = SelectField(_l("类别"), choices=AttachmentCategory.lazy_choices())
    note = StringField(_l("说明"), validators=[Optional(), MaxLength(500)])
    submit = SubmitField(_l("上传"))


class AttachmentArchiveForm(FlaskForm):
    """A POST button (carries the CSRF token)."""

    submit = SubmitField(_l("归档"))
