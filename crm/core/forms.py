"""Form helpers shared by every feature."""

from flask import flash

from crm.core.errors import ServiceError


def apply_service_errors(form, err: ServiceError) -> None:
    """Show a service's refusal on the form: field messages beside fields, the rest flashed."""
    placed = False
    for name, messages in err.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed or not err.fields:
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
