"""The history in words: audit entries grouped into user actions, each field by its label, each
value as a person reads it (资料意识: anyone must be able to read the record).

One presenter for every history table. A field is shown only if its column has `info["label"]`
(internal columns — ids, foreign keys to the parent record, versions, derived search text — have
none). Values are formatted from the column: vocabularies and coded lists by their titles, ids by
names (projects linked), money as 万元/亿元, dates and times in the bureau's zone, lists as lists,
a dict (a screening's inputs and indicators) as a small table. A column's `info` may refine this:
"list" (an editable list kind: codes shown by their labels), "ref" (the table whose names a JSON
list of codes holds), "rows" (how a dict's keys read), "format" ("voided": a gate record's voiding
transition shown in words), "places" (decimals).

The entries of one batch (one request or command, crm.audit.services.start_batch) by one actor are
one user action; its headline comes from the features (`register_headline`), else is generic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import url_for
from flask_babel import format_date, format_datetime, gettext
from markupsafe import Markup, escape
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)

from crm.audit.models import AuditEntry
from crm.audit.services import IGNORED_FIELDS, MASKED_FIELDS, field_label, record_labels
from crm.core.formatting import format_wan
from crm.core.i18n import N_
from crm.core.paging import Page
from crm.domain import AuditAction
from crm.extensions import db

DASH = "—"
HISTORY_PER_PAGE = 50
LINKED = {"projects": ("projects.detail", "project_id")}  # tables whose records have a page anyone may open
MONEY_SUFFIX = re.compile(r"（万元）$")

# record type → (rank, headline function). The highest-ranked record of a group that has a
# headline names the action; a move's transition outranks the project update it causes.
HEADLINES: dict[str, tuple[int, Callable]] = {}
# record type → the model whose current row a headline reads (what did not change is not in the entry)
HEADLINE_ROWS: dict[str, type] = {}

GENERIC = {AuditAction.INSERT: N_("新增%(record)s"), AuditAction.UPDATE: N_("修改%(record)s"),
           AuditAction.ARCHIVE: N_("归档%(record)s"), AuditAction.RESTORE: N_("恢复%(record)s")}


def register_headline(record_type: str, headline: Callable, rank: int = 10, row: type | None = None) -> None:
    """`headline(record, group)` → the action in words, or None to leave it to another record. With
    `row` (a model), `record.row` is the record's current row, loaded for the whole page at once."""
    HEADLINES[record_type] = (rank, headline)
    if row is not None:
        HEADLINE_ROWS[record_type] = row


@dataclass
class Change:
    key: str
    label: str
    before: object  # str, Markup, or a list of (label, value) rows for a dict
    after: object


@dataclass
class Record:
    entry: AuditEntry
    title: str  # "新增 过会记录"
    changes: list[Change]
    row: object = None  # the record's current row, for the record types registered with one

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def record_type(self) -> str:
        return self.entry.record_type

    def raw(self, key: str, which: int = 1):
        pair = self.entry.changes.get(key)
        return pair[which] if pair else None

    def shown(self, key: str, which: int = 1):
        for change in self.changes:
            if change.key == key:
                return change.after if which else change.before
        return None


@dataclass
class Group:
    records: list[Record]
    headline: str = ""
    actor_name: str | None = None  # who acted, from the same look-up as the names in the changes; None: the system

    @property
    def first(self) -> AuditEntry:
        return self.records[0].entry

    @property
    def created_at(self) -> datetime:
        return self.first.created_at

    def of(self, record_type: str) -> list[Record]:
        return [r for r in self.records if r.record_type == record_type]


@dataclass
class _Lookups:
    names: dict = field(default_factory=dict)  # (table, key) → name
    lists: dict = field(default_factory=dict)  # (kind, code) → label


def _column(record_type: str, key: str):
    table = db.metadata.tables.get(record_type)
    return table.columns.get(key) if table is not None else None


def _shown_keys(entry: AuditEntry) -> list[str]:
    keys = []
    for key in entry.changes:
        column = _column(entry.record_type, key)
        labelled = field_label(entry.record_type, key) != key
        if (column is None or column.info.get("label")) and labelled and (
                key not in IGNORED_FIELDS or key in MASKED_FIELDS):
            keys.append(key)
    return keys


def _lookups(entries: list[AuditEntry]) -> _Lookups:
    """One query per referenced table and one for the editable lists: ids and codes → names."""
    # Who acted is looked up with the users the changes name: one query, not one more per page.
    wanted: dict[tuple, set] = {("users", "id"): {e.actor_id for e in entries if e.actor_id is not None}}
    want_lists = False
    for entry in entries:
        for key in entry.changes:
            column = _column(entry.record_type, key)
            if column is None:
                continue
            values = [v for pair in [entry.changes[key]] for v in pair if v is not None]
            values = [x for v in values for x in (v if isinstance(v, list) else [v])]
            want_lists = want_lists or "list" in column.info
            for fk in column.foreign_keys:
                wanted.setdefault((fk.column.table.name, fk.column.name), set()).update(values)
            if "ref" in column.info:
                wanted.setdefault((column.info["ref"], "code"), set()).update(values)
    found = _Lookups()
    for (table_name, key_name), values in wanted.items():
        table = db.metadata.tables[table_name]
        if "name" not in table.c or not values:
            continue
        rows = db.session.execute(select(table.c[key_name], table.c.name).where(table.c[key_name].in_(values)))
        found.names.update({(table_name, k): name for k, name in rows})
    if want_lists and "list_items" in db.metadata.tables:
        items = db.metadata.tables["list_items"]
        found.lists = {(kind, code): label for kind, code, label in
                       db.session.execute(select(items.c.kind, items.c.code, items.c.label))}
    return found


def _number(value, column, key: str):
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if key.endswith("_wan") and "usd" not in key:
        return format_wan(amount)
    places = column.info.get("places", getattr(column.type, "scale", None) or 2) if column is not None else 2
    return f"{amount.quantize(Decimal(1).scaleb(-places)):,}"


def _scalar(value, column, key: str, found: _Lookups):
    """One value in words."""
    if value is None or value == "":
        return DASH
    if column is None:
        return str(value)
    vocabulary = getattr(column.type, "enum_class", None)  # a vocab_column (crm.core.columns)
    if vocabulary is not None and vocabulary.get(value) is not None:
        return gettext(vocabulary.get(value).title)
    choices = column.info.get("choices") or {}
    if value in choices:
        return gettext(choices[value])
    titles = column.info.get("titles")  # code → msgid, or a function of the code
    if callable(titles):
        return titles(value)
    if titles is not None and value in titles:
        return gettext(titles[value])
    if "list" in column.info:
        return found.lists.get((column.info["list"], value), str(value))
    for fk in column.foreign_keys:
        name = found.names.get((fk.column.table.name, value))
        if name is None:
            return str(value)
        if fk.column.table.name in LINKED:
            endpoint, arg = LINKED[fk.column.table.name]
            return Markup('<a href="{}">{}</a>').format(url_for(endpoint, **{arg: value}), name)
        return name
    if "ref" in column.info:
        return found.names.get((column.info["ref"], value), str(value))
    if isinstance(value, bool) or isinstance(column.type, Boolean):
        return gettext("是") if value else gettext("否")
    if isinstance(column.type, Numeric):
        return _number(value, column, key)
    if isinstance(column.type, DateTime):
        return format_datetime(datetime.fromisoformat(value) if isinstance(value, str) else value)
    if isinstance(column.type, Date):
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long")
    return str(value)


def _rows(value: dict, column, found: _Lookups) -> list[tuple[str, object]]:
    """A dict (a screening's inputs or indicators) as (label, value) rows."""
    spec = column.info.get("rows")
    rows = []
    for key, item in value.items():
        if isinstance(spec, str):  # keys are columns of that table
            inner = _column(spec, key)
            msgid = inner.info.get("label") if inner is not None else None
            label = gettext(msgid) if msgid else key
            rows.append((MONEY_SUFFIX.sub("", label) if key.endswith("_wan") else label,
                         _scalar(item, inner, key, found)))
        else:
            label, unit, places = (spec or {}).get(key, (key, "", 2))
            shown = DASH if item is None else _number_places(item, places)
            rows.append((gettext(label), f"{shown} {gettext(unit)}".strip() if item is not None else shown))
    return rows


def _number_places(value, places: int) -> str:
    try:
        return f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places)):,}"
    except InvalidOperation:
        return str(value)


def _value(value, column, key: str, found: _Lookups):
    if column is not None and column.info.get("format") == "voided":
        return gettext("已作废（管理员更正）") if value is not None else gettext("有效")
    if isinstance(value, dict):
        return _rows(value, column, found) if value else DASH
    if isinstance(value, list):
        return "、".join(str(_scalar(v, column, key, found)) for v in value) or DASH
    return _scalar(value, column, key, found)


def _record(entry: AuditEntry, found: _Lookups, titles: dict) -> Record:
    changes = []
    for key in _shown_keys(entry):
        before, after = entry.changes[key]
        column = _column(entry.record_type, key)
        label = field_label(entry.record_type, key)
        if key.endswith("_wan") and "usd" not in key:
            label = MONEY_SUFFIX.sub("", label)
        if key in MASKED_FIELDS:  # a password: that it was set or changed, never what to
            changes.append(Change(key, label, DASH, gettext("（已修改）")))
            continue
        shown_after = _value(after, column, key, found)
        if entry.action == AuditAction.INSERT and shown_after == DASH:
            continue  # a new record's empty fields say nothing
        changes.append(Change(key, label, _value(before, column, key, found), shown_after))
    name = gettext(titles[entry.record_type]) if entry.record_type in titles else entry.record_type
    return Record(entry, gettext(GENERIC.get(entry.action, GENERIC[AuditAction.UPDATE]), record=name), changes)


def _generic(record: Record) -> str:
    """"修改项目：总投资 5,000.00 万元 → 6,000.00 万元" — at most two fields, then how many more."""
    if record.action != AuditAction.UPDATE or not record.changes:
        return record.title
    parts = [f"{c.label} {_plain(c.before)} → {_plain(c.after)}" for c in record.changes[:2]
             if not isinstance(c.after, list)]
    more = len(record.changes) - len(parts)
    text = record.title + "：" + "；".join(parts) if parts else record.title
    return text + (gettext("等 %(n)s 项", n=len(record.changes)) if more > 0 and parts else "")


def _plain(value) -> str:
    return Markup(value).striptags() if isinstance(value, Markup) else str(value)


def _headline(group: Group) -> Markup:
    ranked = sorted(group.records, key=lambda r: -HEADLINES.get(r.record_type, (0, None))[0])
    for record in ranked:
        rank, headline = HEADLINES.get(record.record_type, (0, None))
        text = headline(record, group) if headline else None
        if text:
            return escape(text)
    return escape(_generic(ranked[0]))


def _group_key(entry: AuditEntry):
    return (entry.batch, entry.actor_id) if entry.batch else ("entry", entry.id)


def _headline_rows(entries: list[AuditEntry]) -> dict:
    """(record type, id) → current row, one query per registered model the page's entries need."""
    rows = {}
    for record_type, model in HEADLINE_ROWS.items():
        ids = {e.record_id for e in entries if e.record_type == record_type}
        if ids:
            rows.update({(record_type, row.id): row for row in db.session.scalars(select(model).where(model.id.in_(ids)))})
    return rows


def group_entries(entries: list[AuditEntry]) -> list[Group]:
    """Entries (any order) → user actions, in the entries' order; a group's records oldest first."""
    found = _lookups(entries)
    rows = _headline_rows(entries)
    titles = record_labels()
    groups: dict = {}
    for entry in entries:
        groups.setdefault(_group_key(entry), []).append(entry)
    result = []
    for members in groups.values():
        records = [_record(e, found, titles) for e in sorted(members, key=lambda e: e.id)]
        for record in records:
            record.row = rows.get((record.record_type, record.entry.record_id))
        group = Group(records, actor_name=found.names.get(("users", members[0].actor_id)))
        group.headline = _headline(group)
        result.append(group)
    return result


def record_condition(record):
    """Where-clause of one record's audit entries."""
    return (AuditEntry.record_type == record.__tablename__) & (AuditEntry.record_id == record.id)


def records_condition(record, *owned) -> object:
    """Where-clause of a record's entries and of the records it owns, each of `owned` a (table name,
    select() of ids) pair — see `owned_rows`. Shaped per database so each uses ix_audit_entries_record:
    PostgreSQL matches (record type, id) pairs against one UNION ALL (an OR of per-table IN conditions
    made it scan every entry of those tables: a trip page read 18,595 target entries for 4); SQLite's
    planner does not use the index for a row-value IN, and reads the OR of per-table IN conditions as
    one index look-up each (the pair form took 2.1 s on a project page at 100,000 projects)."""
    own = (AuditEntry.record_type == record.__tablename__) & (AuditEntry.record_id == record.id)
    if db.engine.dialect.name == "sqlite":
        return or_(own, *[(AuditEntry.record_type == name) & AuditEntry.record_id.in_(ids) for name, ids in owned])
    keys = union_all(select(literal(record.__tablename__, String).label("record_type"),
                            literal(record.id, Integer).label("record_id")),
                     *[select(literal(name, String), ids.subquery().c[0]) for name, ids in owned]
                     ).subquery("owned_records")
    return tuple_(AuditEntry.record_type, AuditEntry.record_id).in_(select(keys.c.record_type, keys.c.record_id))


def owned_rows(model, where) -> tuple[str, object]:
    """The (record type, ids) of the `model` rows matching `where`, for records_condition."""
    return model.__tablename__, select(model.id).where(where)


def record_history(record, page: int = 1, per_page: int = HISTORY_PER_PAGE):
    """The history of one record: a page of user actions, newest first (crm.audit.present)."""
    return history_page(record_condition(record), page, per_page)


def _batch_key():
    # The entries of one batch are one action; an entry without a batch is one on its own.
    return func.coalesce(AuditEntry.batch, literal_column("'#'") + cast(AuditEntry.id, String))


def history_page(condition, page: int = 1, per_page: int = HISTORY_PER_PAGE):
    """A page of the user actions (groups of entries) matching `condition`, newest first, and
    their total: two bounded queries (the page's actions with the count of all, then their
    entries), whatever the length of the trail; a page past the end counts apart."""
    key = _batch_key()
    groups = (select(key.label("k"), func.max(AuditEntry.id).label("last")).where(condition)
              .group_by(key).subquery())
    rows = db.session.execute(select(groups.c.k, func.count().over()).order_by(groups.c.last.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    if not rows:
        total = db.session.scalar(select(func.count()).select_from(groups)) if page > 1 else 0
        return Page([], total, page, per_page)
    entries = list(db.session.scalars(select(AuditEntry).where(condition, key.in_([k for k, _n in rows]))
                                      .order_by(AuditEntry.id.desc())))
    return Page(group_entries(entries), rows[0][1], page, per_page)


def plain(value) -> str:
    """A shown value as text (for headlines): links lose their tags."""
    return _plain(value) if value is not None else DASH
