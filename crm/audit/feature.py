"""The audit feature's registration: the history's helpers (docs/ARCHITECTURE.md)."""

from crm.audit.services import field_label, record_labels
from crm.core.features import Feature
from crm.domain import AuditAction, AuditSource


def setup(app) -> None:
    # Every model is imported by now (create_app), so every audited table's label is known.
    app.jinja_env.globals["record_labels"] = record_labels()


feature = Feature(name="audit", setup=setup, template_globals={
    "audit_action_labels": AuditAction.labels(), "audit_source_labels": AuditSource.labels(),
    "field_label": field_label})
