"""The storage boundary for text: no row is written with text no record may hold.

Services parse what users type with `crm.core.parsing.text` (field-specific messages). This flush
hook applies the same rule (`text_problem`) to every string column of every new or changed row,
whatever path set it (an admin form, a CLI command, a future feature), so a name with a NUL, a
vertical tab, a lone surrogate or a right-to-left override can never reach the database and break
a page or an export for everyone. `Text` columns are multi-line (newline and tab allowed).
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session

from crm.core.errors import ValidationFailed
from crm.core.parsing import summarise, text_problem


def _checked_columns(obj):
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if isinstance(column.type, String) and not column.info.get("raw_text"):
            yield attr.key, column, state


def _problems(obj, inserting: bool) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, column, state in _checked_columns(obj):
        if not inserting and not state.attrs[key].history.has_changes():
            continue
        value = getattr(obj, key)
        if not isinstance(value, str) or not value:
            continue
        label = column.info.get("label")
        problem = text_problem(value, isinstance(column.type, Text), gettext(label) if label else key)
        if problem:
            found.setdefault(key, []).append(problem)
    return found


@event.listens_for(Session, "before_flush")
def _refuse_bad_text(session: Session, flush_context, instances) -> None:
    fields: dict[str, list[str]] = {}
    for obj in session.new:
        fields |= _problems(obj, inserting=True)
    for obj in session.dirty:
        fields |= _problems(obj, inserting=False)
    if fields:
        raise ValidationFailed(summarise(fields), fields)
