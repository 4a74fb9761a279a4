"""The one place every workbook the app writes passes its cell values through.

Text a user typed must stay text and must never break the file: a leading = + - @ (or tab, CR)
would make Excel run it as a formula (CSV/formula injection), and control characters that the
XML of .xlsx cannot hold would make openpyxl refuse the whole export for every user. Records
stored before the input rules existed may hold either, so exports clean on the way out too.
"""

from __future__ import annotations

from itertools import chain, islice

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.core.xlsx_stream import write_xlsx

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


def display_width(value) -> int:
    """How many Excel character widths a value needs (a Chinese character takes two)."""
    if value is None:
        return 0
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def finish_sheet(sheet, widths: list[int], number_formats=(), max_width: int = 50) -> None:
    """What makes a sheet readable: columns as wide as their content (within limits), number
    formats, a frozen header row (and first column) and an autofilter over the data."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), max_width)
    for index, number_format in enumerate(number_formats, start=1):
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "B2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{sheet.max_row}"


# --- Streaming (issue 9): a large export sent while it is written, in flat memory ---------------------
# The sheet's XML is made by crm/core/xlsx_stream.py (openpyxl's per-cell cost made 100,000 rows take
# minutes) and zipped into a stream the response drains, so the first bytes leave after the first rows.

WIDTH_SAMPLE = 500  # rows read before the column widths are fixed (<cols> precedes the rows)


def stream_sheet(title: str, headers: list[str], rows, number_formats=(), max_width: int = 50):
    """Yield the bytes of an .xlsx with one sheet: a bold frozen header (and first column), columns
    as wide as the header and the first rows need, number formats, an autofilter over the data.
    `rows` is an iterable of lists of cell values; each passes through safe_row here. A generator
    itself, so that even the first rows are read while the response streams (in its context)."""
    rows = iter(rows)
    sample = [safe_row(r) for r in islice(rows, WIDTH_SAMPLE)]
    widths = [display_width(h) for h in headers]
    for row in sample:
        if len(row) == len(headers):  # a closing remark does not widen the first column
            widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=True)]
    widths = [min(max(w + 2, 8), max_width) for w in widths]
    formats = list(number_formats) + [None] * (len(headers) - len(number_formats))
    yield from write_xlsx(title, headers, chain(sample, (safe_row(r) for r in rows)), formats, widths)
