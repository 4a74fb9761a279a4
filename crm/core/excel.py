"""The one place every workbook the app writes passes its cell values through.

Text a user typed must stay text and must never break the file: a leading = + - @ (or tab, CR)
would make Excel run it as a formula (CSV/formula injection), and control characters that the
XML of .xlsx cannot hold would make openpyxl refuse the whole export for every user. Records
stored before the input rules existed may hold either, so exports clean on the way out too.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """A value safe to put in a cell: text without illegal characters, never a formula."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [cell_value(v) for v in values]
