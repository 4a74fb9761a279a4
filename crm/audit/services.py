"""One mechanism for the audit trail: a SQLAlchemy flush hook.

Every model that sets `__audited__ = True` gets an AuditEntry for each insert and each update
(an update that sets `archived_at` is recorded as an archive). The entry says who (the actor of
the current request or CLI command), from where (web/api/cli), and each changed field's value
before and after. Entries are written with a Core insert inside the same transaction, so a
rolled-back change leaves no trace and a committed one always has its entry.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from uuid import uuid4

from flask import g, has_app_context, has_request_context, request
from flask_babel import gettext
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from crm.audit.models import AuditEntry
from crm.core.i18n import N_
from crm.core.models import utcnow
from crm.domain import AuditAction, AuditSource
from crm.extensions import db

# Shown for insert entries only when they carry information.
INSERT_SKIPPED = {"id", "created_at", "updated_at", "version"}
# Bookkeeping columns that change on every login or call are not business changes.
IGNORED_FIELDS = {"updated_at", "version", "password_hash", "last_login_at", "last_used_at",
                  # derived from other fields, which are recorded themselves
                  "search_text", "investor_name_norm", "is_current"}
MASKED_FIELDS = {"password_hash", "token_hash"}


def set_actor(user_id: int | None, source: str, origin: str | None = None) -> None:
    """Declare who is changing things in this request or command."""
    g.audit_actor_id = user_id
    g.audit_source = source
    g.audit_origin = origin
    start_batch()


def start_batch() -> None:
    """Begin a new user action: the entries written from now on show as one entry in the history.
    Each request and each CLI command starts one; a command doing many things (the demo city)
    starts one per thing."""
    if has_request_context():
        request.environ["crm.audit_batch"] = uuid4().hex
    elif has_app_context():
        g.audit_batch = uuid4().hex


def _batch() -> str | None:
    if has_request_context():
        # Keyed to the request, not to `g`: tests push one app context for many requests.
        return request.environ.setdefault("crm.audit_batch", uuid4().hex)
    if has_app_context():
        return g.setdefault("audit_batch", uuid4().hex)
    return None


def _context() -> tuple[int | None, str, str | None]:
    if not has_app_context():
        return None, AuditSource.SYSTEM, None
    source = g.get("audit_source")
    origin = g.get("audit_origin")
    if source is None and has_request_context():
        source = AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB
    if origin is None and has_request_context():
        origin = f"{request.method} {request.path}"[:200]
    return g.get("audit_actor_id"), source or AuditSource.CLI, origin


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _column_changes(obj, inserting: bool) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED_FIELDS and key not in MASKED_FIELDS:
            continue
        hist = state.attrs[key].history
        if inserting:
            if key in INSERT_SKIPPED:
                continue
            after = getattr(obj, key)
            if after is not None:
                changes[key] = [None, "***" if key in MASKED_FIELDS else _jsonable(after)]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if key in MASKED_FIELDS:
                changes[key] = ["***", "***"]
            elif _jsonable(before) != _jsonable(after):
                changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def _action(changes: dict) -> str:
    if "archived_at" in changes:
        return AuditAction.ARCHIVE if changes["archived_at"][1] is not None else AuditAction.RESTORE
    return AuditAction.UPDATE


def record_extra_change(obj, key: str, before, after) -> None:
    """Record a change the flush cannot see on `obj`'s columns (e.g. a many-to-many list)."""
    extra = db.session.info.setdefault("audit_extra", {})
    extra.setdefault(id(obj), (obj, {}))[1][key] = [_jsonable(before), _jsonable(after)]


def _pending_entries(session: Session) -> list[tuple[object, str, dict]]:
    pending = []
    extra = session.info.pop("audit_extra", {})
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            pending.append((obj, AuditAction.INSERT, None))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj, include_collections=False):
            changes = _column_changes(obj, inserting=False) | extra.pop(id(obj), (None, {}))[1]
            if changes:
                pending.append((obj, _action(changes), changes))
    pending.extend((obj, AuditAction.UPDATE, changes) for obj, changes in extra.values())
    return pending


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context, instances) -> None:
    # Updates must be read before the flush resets attribute history; inserts after it,
    # once they have their primary keys.
    session.info.setdefault("audit_pending", []).extend(_pending_entries(session))


@event.listens_for(Session, "after_flush")
def _write(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    actor_id, source, origin = _context()
    batch = _batch()
    rows = []
    for obj, action, changes in pending:
        if changes is None:
            changes = _column_changes(obj, inserting=True)
        rows.append({
            "record_type": obj.__tablename__,
            "record_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
            "action": action,
            "actor_id": actor_id,
            "source": source,
            "origin": origin,
            "batch": batch,
            "changes": changes,
            "created_at": utcnow(),
        })
    session.connection().execute(insert(AuditEntry), rows)


def history_for(record) -> list[AuditEntry]:
    """The audit trail of one record, oldest first (pages show crm.audit.present.record_history)."""
    stmt = (select(AuditEntry).where(AuditEntry.record_type == record.__tablename__, AuditEntry.record_id == record.id)
            .order_by(AuditEntry.id))
    return list(db.session.scalars(stmt))


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    # A failed flush must not leave half-collected entries for the next one.
    session.info.pop("audit_pending", None)
    session.info.pop("audit_extra", None)


# Changes recorded with record_extra_change, which have no column of their own.
EXTRA_FIELD_LABELS = {"division_codes": N_("覆盖的行业大类"), "correction_reason": N_("更正原因")}


def record_labels() -> dict[str, str]:
    """Each audited table's title (a model's `__record_label__`), for the history table."""
    return {mapper.class_.__tablename__: mapper.class_.__record_label__ for mapper in db.Model.registry.mappers
            if getattr(mapper.class_, "__record_label__", None)}


def field_label(record_type: str, key: str) -> str:
    """The translated label of a changed field, for the history table."""
    table = db.metadata.tables.get(record_type)
    column = table.columns.get(key) if table is not None else None
    label = column.info.get("label") if column is not None else EXTRA_FIELD_LABELS.get(key)
    return gettext(label) if label else key
