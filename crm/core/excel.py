"""The one place every workbook the app writes passes its cell values through.

Text a user typed must stay text and must never break the file: a leading = + - @ (or tab, CR)
would make Excel run it as a formula (CSV/formula injection), and control characters that the
XML of .xlsx cannot hold would make openpyxl refuse the whole export for every user. Records
stored before the input rules existed may hold either, so exports clean on the way out too.
"""

from __future__ import annotations

from itertools import chain, islice
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

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
# openpyxl's write-only workbook writes rows as they come, but saves the sheet to a temporary file and
# zips everything at the end. Here the sheet's XML goes straight into the zip entry of a zip written to
# a sink the response drains, so the first bytes leave after the first rows. This leans on two openpyxl
# internals (WorksheetWriter with an `out` stream, ExcelWriter.write_worksheet), pinned by
# tests/test_export_stream.py, which opens the result with openpyxl.

WIDTH_SAMPLE = 500  # rows read before the column widths are fixed (write-only: <cols> precedes the rows)


class _Sink:
    """A write-only stream the zip writes into; `drain()` hands over what was written since."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out, self.chunks = b"".join(self.chunks), []
        return out


class _PartsWriter(ExcelWriter):
    """Writes the workbook's other parts; the sheet's XML is already in the archive."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def _styled(sheet, value, number_format=None, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def stream_sheet(title: str, headers: list[str], rows, number_formats=(), max_width: int = 50):
    """Yield the bytes of an .xlsx with one sheet: a bold frozen header (and first column), columns
    as wide as the header and the first rows need, number formats, an autofilter over the data.
    `rows` is an iterable of lists of cell values; each passes through safe_row here."""
    rows = iter(rows)
    sample = [safe_row(r) for r in islice(rows, WIDTH_SAMPLE)]
    widths = [display_width(h) for h in headers]
    for row in sample:
        widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=False)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet._id = 1
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), max_width)
    sheet.freeze_panes = "B2"
    sink = _Sink()
    archive = ZipFile(sink, "w", ZIP_DEFLATED, allowZip64=True)
    with archive.open(sheet.path[1:], "w", force_zip64=True) as part:
        sheet._writer = WorksheetWriter(sheet, out=part)
        sheet._writer.write_top()
        sheet.append([_styled(sheet, h, bold=True) for h in headers])
        formats = list(number_formats) + [None] * (len(headers) - len(number_formats))
        count = 1
        for row in chain(sample, (safe_row(r) for r in rows)):
            sheet.append([_styled(sheet, v, f) if f and v is not None else v for v, f in zip(row, formats, strict=False)]
                         if len(row) == len(headers) else row)
            count += 1
            if count % WIDTH_SAMPLE == 0:
                yield sink.drain()
        if count > 1:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count}"
        sheet.close()
    _PartsWriter(book, archive).save()
    yield sink.drain()
