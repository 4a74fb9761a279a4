"""Excel export of the ledger: one column per labelled field of the API's project schema.

The columns, their Chinese headers (label with its unit) and number formats come from
crm/projects/schemas.py ProjectFieldsSchema, itself generated from the model columns: a field the API returns
is a ledger column without being listed here again. Cells show what a reader wants (names for ids,
labels for codes, 是/否), and every row passes through crm/core/excel.py safe_row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy.orm import selectinload

from crm.core.dates import local_date
from crm.core.excel import stream_sheet
from crm.core.schema import DecimalText, Moment, field_label
from crm.extensions import db
from crm.projects.models import Project
from crm.projects.queries import with_list_relations
from crm.projects.schemas import ProjectFieldsSchema
from crm.reference.services import list_items

# A cap so one click cannot tie a worker up for minutes: 100,000 rows (the whole ledger at province
# scale) stream in under 30 s with memory flat (issue 9), so the cap is the province's size, not memory.
MAX_ROWS = 100_000
BATCH = 1_000  # projects per fetch (and per round of related-name look-ups)
DATE = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    name: str  # the API's key
    header: str  # msgid
    read: object  # (project, lookups) -> cell value
    number_format: str | None
    reference: str | None = None  # a reference list (crm/reference) whose labels the cells show


def _related(attribute: str) -> str | None:
    """The many-to-one relationship whose foreign key is `attribute` (unit_id → unit)."""
    for rel in sa.inspect(Project).relationships:
        if rel.direction.name == "MANYTOONE" and any(col.key == attribute for col in rel.local_columns):
            return rel.key
    return None


def _shown(record) -> str:
    return getattr(record, "label", None) or getattr(record, "name", "") if record is not None else ""


def _reader(field: fields.Field, attribute: str):
    """How a field's cell reads the project, and its number format."""
    choices = field.metadata.get("choices")
    reference = field.metadata.get("reference")
    relation = _related(attribute)
    value = attrgetter(attribute)
    # Labels translated once per export, not once per cell (180,000 gettext calls for 10,000 rows).
    if choices:
        titles = {code: _(label) for code, label in choices.items()}
        return (lambda p, _lk: titles[str(value(p))] if value(p) is not None else ""), None
    if reference:
        return (lambda p, lk: lk[reference].get(value(p), value(p) or "")), None
    if relation:
        return (lambda p, _lk: _shown(getattr(p, relation))), None
    if isinstance(field, fields.Boolean):
        yes, no = _("是"), _("否")
        return (lambda p, _lk: yes if value(p) else no), None
    if isinstance(field, Moment):
        return (lambda p, _lk: local_date(value(p)) if value(p) else None), DATE
    if isinstance(field, fields.Date):
        return (lambda p, _lk: value(p)), DATE
    if isinstance(field, DecimalText):
        return (lambda p, _lk: value(p)), "#,##0." + "0" * (field.metadata.get("scale") or 2)
    if isinstance(field, fields.Integer):
        return (lambda p, _lk: value(p)), "0"
    return (lambda p, _lk: value(p) if value(p) is not None else ""), None


def ledger_columns() -> list[Column]:
    """One column per labelled field of the project schema, in its order."""
    columns = []
    for name, field in ProjectFieldsSchema().fields.items():
        if field_label(field):
            read, number_format = _reader(field, field.attribute or name)
            columns.append(Column(name, field_label(field), read, number_format, field.metadata.get("reference")))
    return columns


def _lookups(columns) -> dict:
    """Reference lists some columns show labels from: read once per export."""
    kinds = {col.reference for col in columns if col.reference}
    return {kind: {i.code: i.label for i in list_items(kind, include_archived=True)} for kind in kinds}


@dataclass(frozen=True)
class ExtraColumns:
    """Columns a higher feature adds to the ledger export (e.g. the pipeline's signing date), so the
    ledger never imports it (docs/ARCHITECTURE.md): headers (msgids), number formats, and
    `values(ids)`: {project id: a tuple of cells} for a select() of the exported project ids."""
    headers: tuple[str, ...]
    number_formats: tuple[str | None, ...]
    values: Callable[[object], dict]


EXPORT_COLUMNS: list[ExtraColumns] = []


def register_export_columns(extra: ExtraColumns) -> None:
    if extra not in EXPORT_COLUMNS:  # every create_app registers again
        EXPORT_COLUMNS.append(extra)


def ledger_rows(stmt):
    """The ledger's export: headers, number formats, and the rows (a generator reading the projects in
    batches of BATCH, so memory stays flat however many rows; the related names load per batch)."""
    columns = ledger_columns()
    lookups = _lookups(columns)
    ids = stmt.order_by(None).with_only_columns(Project.id)
    extras = [(extra, extra.values(ids)) for extra in EXPORT_COLUMNS]  # one query each
    headers = [_(col.header) for col in columns] + [_(h) for extra, _v in extras for h in extra.headers]
    formats = [col.number_format for col in columns] + [f for extra, _v in extras for f in extra.number_formats]
    stmt = with_list_relations(stmt).options(selectinload(Project.parent_project))

    def rows():
        result = db.session.scalars(stmt.limit(MAX_ROWS + 1).execution_options(yield_per=BATCH))
        for count, project in enumerate(result, start=1):
            if count > MAX_ROWS:
                yield [_("仅导出前 %(n)s 条，请缩小筛选范围。", n=MAX_ROWS)]
                break
            row = [col.read(project, lookups) for col in columns]
            for extra, values in extras:
                row.extend(values.get(project.id, (None,) * len(extra.headers)))
            yield row
        result.close()

    return headers, formats, rows()


def ledger_workbook(stmt):
    """The .xlsx as a stream of bytes (crm/core/excel.py stream_sheet): the response starts after the
    first rows instead of after the last."""
    headers, formats, rows = ledger_rows(stmt)
    return stream_sheet(_("项目台账"), headers, rows, formats)
