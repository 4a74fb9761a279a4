"""Form helpers shared by every feature."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import Length, Optional

from crm.core.errors import ServiceError
from crm.extensions import db


def apply_service_errors(form, err: ServiceError) -> None:
    """Show a service's refusal on the form: field messages beside their fields; the whole
    message flashed as well whenever some of it has no field on this form to sit beside
    (and always when there is no form on the page, e.g. a one-button action)."""
    if form is None:
        flash(err.message, "danger")
        return
    unplaced = not err.fields
    for name, messages in err.fields.items():
        field = form._fields.get(name)
        if field is not None and field.type not in ("FieldList", "HiddenField"):
            field.errors = list(field.errors) + list(messages)
        else:
            unplaced = True
    if unplaced:
        flash(err.message, "danger")


def flash_form_errors(form) -> None:
    """A one-button form posted from a page it redirects back to: its errors become flashed messages."""
    for name, messages in form.errors.items():
        if name == "csrf_token":
            messages = [_l("页面已过期或来源不明，请刷新后重新提交。")]
        for message in messages:
            flash(str(message), "danger")


class ServiceResult:
    """What `run_service` returns: true when the service succeeded, with its return value."""

    def __init__(self, ok: bool, value=None) -> None:
        self.ok, self.value = ok, value

    def __bool__(self) -> bool:
        return self.ok


def run_service(form, action) -> ServiceResult:
    """Run a service call for a submitted form; commit on success, roll back and explain on refusal."""
    try:
        value = action()
    except ServiceError as err:
        db.session.rollback()
        apply_service_errors(form, err)
        return ServiceResult(False, err)  # the refusal, for a view that explains more (a link)
    db.session.commit()
    return ServiceResult(True, value)


def coerce_optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class MaxLength(Length):
    """A length limit the server enforces with a message, without telling the browser: a `maxlength`
    attribute silently cuts a pasted 5,000-character text to the limit, and the user never learns."""

    def __init__(self, max: int) -> None:  # noqa: A002  (WTForms' own name)
        super().__init__(max=max, message=_l("最多 %(max)d 个字符（现有 %(length)d 个），请精简后再提交。"))
        self.field_flags = {}  # Length.__init__ sets maxlength here, which widgets render


def amount_field(label):
    """A decimal typed as text: the services parse it, so the web and the API refuse the same input."""
    return StringField(label, validators=[Optional(), MaxLength(20)], render_kw={"inputmode": "decimal"})


class ArchiveForm(FlaskForm):
    """A POST button carrying the version the user saw (archive a user, unit, chain, list entry...)."""

    version = HiddenField()
    submit = SubmitField(_l("归档"))
