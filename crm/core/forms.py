"""Form helpers shared by every feature."""

from flask import flash

from crm.core.errors import ServiceError


def apply_service_errors(form, err: ServiceError) -> None:
    """Show a service's refusal on the form: field messages beside their fields; the whole
    message flashed as well whenever some of it has no field on this form to sit beside."""
    unplaced = not err.fields
    for name, messages in err.fields.items():
        field = form._fields.get(name)
        if field is not None and field.type not in ("FieldList", "HiddenField"):
            field.errors = list(field.errors) + list(messages)
        else:
            unplaced = True
    if unplaced:
        flash(err.message, "danger")


def run_service(form, action) -> bool:
    """Run a service call for a submitted form; commit on success, roll back and explain on refusal."""
    from crm.extensions import db

    try:
        action()
    except ServiceError as err:
        db.session.rollback()
        apply_service_errors(form, err)
        return False
    db.session.commit()
    return True


def coerce_optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def amount_field(label):
    """A decimal typed as text: the services parse it, so the web and the API refuse the same input."""
    from wtforms import StringField
    from wtforms.validators import Length, Optional

    return StringField(label, validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"})
