"""Schemas generated from the models: the model column is the one declaration of a field.

A resource's schema (marshmallow-sqlalchemy) reads each column's type, nullability, length,
`info["label"]` (the Chinese label the history table also shows) and its codes: either a String
column with `info["choices"]` or a `sqlalchemy.Enum` of StrEnum members (with a `.title`). From one
schema come the API's JSON (`dump`), the OpenAPI components (apispec, crm/api/openapi.py) and the
ledger's Excel columns (crm/projects/export.py). Input rules stay in the services (crm/core/parsing.py):
schemas here only describe and serialize.
"""

from __future__ import annotations

import sqlalchemy as sa
from marshmallow import EXCLUDE, Schema, fields, validate
from marshmallow_sqlalchemy import ModelConverter, SQLAlchemySchema, SQLAlchemySchemaOpts

from crm.core.models import as_utc

DECIMAL_NOTE = "exact decimal; returned as a string"


class DecimalText(fields.Field):
    """An exact decimal, returned as its text with the stored scale ("150000.00"); input may be a
    string or a number (the services parse it)."""

    def __init__(self, *, scale: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("scale", scale)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class Moment(fields.DateTime):
    """A point in time in UTC with its offset (SQLite returns moments without one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else as_utc(value).isoformat()


def column_codes(column) -> list[str] | None:
    """The codes a coded column stores, whichever way the model declares them."""
    if isinstance(column.type, sa.Enum):
        return [str(code) for code in column.type.enums]
    choices = column.info.get("choices")
    return [str(code) for code in choices] if choices else None


def column_choice_labels(column) -> dict[str, str] | None:
    """code → label msgid of a coded column (info["choices"], or the Enum members' `.title`)."""
    choices = column.info.get("choices")
    if choices:
        return {str(code): label for code, label in choices.items()}
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        labels = getattr(enum_class, "labels", None)  # crm.domain vocabularies: code → untranslated title
        if labels is not None:
            return {str(code): label for code, label in labels().items()}
        return {str(member.value): getattr(member, "title", str(member.value)) for member in enum_class}
    return None


class LabelledConverter(ModelConverter):
    """Our column → field rules: decimals as text, moments in UTC, codes as strings with an enum,
    and the column's label and code labels carried in the field's metadata."""

    def _get_field_class_for_column(self, column):
        if column_codes(column):
            return fields.String
        if isinstance(column.type, sa.Numeric) and column.type.asdecimal:
            return DecimalText
        if isinstance(column.type, sa.DateTime):
            return Moment
        return super()._get_field_class_for_column(column)

    def _add_column_kwargs(self, kwargs, column) -> None:
        super()._add_column_kwargs(kwargs, column)
        kwargs.pop("enum", None)
        kwargs.pop("places", None)
        metadata = kwargs["metadata"]
        codes = column_codes(column)
        if codes:
            kwargs["validate"] = [validate.OneOf(codes)]
            metadata["choices"] = column_choice_labels(column)
        if isinstance(column.type, sa.Numeric) and column.type.asdecimal:
            kwargs["scale"] = column.type.scale
        if column.info.get("label"):
            metadata["label"] = column.info["label"]
            metadata["title"] = column.info["label"]


class Shape(Schema):
    """Base of schemas not generated from one model. Unknown keys are ignored, so the document does
    not claim `additionalProperties: false` (the services decide what a body may carry)."""

    class Meta:
        unknown = EXCLUDE


class ModelSchemaOpts(SQLAlchemySchemaOpts):
    def __init__(self, meta, *args, **kwargs):
        if not hasattr(meta, "model_converter"):
            meta.model_converter = LabelledConverter
        if not hasattr(meta, "unknown"):
            meta.unknown = EXCLUDE  # documents no additionalProperties: false
        super().__init__(meta, *args, **kwargs)


class ModelSchema(SQLAlchemySchema):
    """Base of every resource schema; declare fields with `auto_field()` (from the column) or
    `computed()` (what the API adds)."""

    OPTIONS_CLASS = ModelSchemaOpts


def computed(serialize, openapi_type, *, label: str | None = None, **metadata) -> fields.Function:
    """A field the API computes from the record, with its OpenAPI type (apispec cannot infer it)."""
    metadata = {"type": openapi_type} | metadata
    if label:
        metadata |= {"label": label, "title": label}
    return fields.Function(serialize, dump_only=True, metadata=metadata)


def label_meta(label: str) -> dict:
    """Metadata for a field whose column has no label (id, timestamps from mixins):
    `auto_field("id", metadata=label_meta(N_("编号")))`."""
    return {"label": label, "title": label}


def field_label(field: fields.Field) -> str | None:
    return field.metadata.get("label")


def column_field(model, name: str, **kwargs) -> fields.Field:
    """The field of one model column, for schemas that gather columns of several models (inputs)."""
    return LabelledConverter().field_for(model, name, **kwargs)
