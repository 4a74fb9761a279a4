"""A one-sheet .xlsx written as it is read: the sheet's XML made by string formatting, zipped into a
stream the response drains.

Why not openpyxl here: its write-only mode spends ~50 µs building and serialising each cell (about
two thirds of a 10,000-row ledger export, profiled), so 100,000 rows × 30 columns took minutes.
This writer emits the same SpreadsheetML (ECMA-376) a workbook needs — content types, relations,
workbook, styles, one sheet with a frozen header, column widths, number formats and an autofilter —
in a few µs per cell. Everything else (small sheets with several tables) keeps using openpyxl.
The export tests (tests/test_home_speed.py, test_projects_web.py, test_readable.py) open what this
writes with openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts the non-existent 1900-02-29, hence the 30th)
FLUSH_EVERY = 500  # rows between hand-overs to the response

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)


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


def _styles(formats: list[str]) -> str:
    """Style 0 plain, 1 bold (the header), then 2 + i for the i-th distinct number format."""
    num_fmts = "".join(f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(f)}/>' for i, f in enumerate(formats))
    xfs = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  for i in range(len(formats)))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{MAIN}">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(formats)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f'<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _workbook(title: str, last_cell: str | None) -> str:
    sheet_name = quoteattr(title)
    names = ""
    if last_cell:
        quoted = "'" + title.replace("'", "''") + "'"
        ref = f"{quoted}!$A$1:${''.join(c for c in last_cell if c.isalpha())}${''.join(c for c in last_cell if c.isdigit())}"
        names = f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{escape(ref)}</definedName></definedNames>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name={sheet_name} sheetId="1" r:id="rId1"/></sheets>{names}</workbook>'
    )


def _cell(ref: str, value, style: int) -> str:
    """One <c>: text inline (no shared-string table to hold in memory), numbers and dates as numbers."""
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, datetime):
        days = (value.replace(tzinfo=None) - datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}"{s}><v>{days!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s}><v>{(value - EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _sheet_top(widths: list[float]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
        '<selection pane="topRight"/><selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="B2" sqref="B2"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>"
    )


def write_xlsx(title: str, headers: list[str], rows: Iterable[list], number_formats: list[str | None],
               widths: list[float]) -> Iterator[bytes]:
    """Yield the bytes of the .xlsx. `rows` are already safe (crm/core/excel.py safe_row); a row that is
    not as long as the header (a closing remark) is written as it comes, without number formats."""
    distinct = list(dict.fromkeys(f for f in number_formats if f))
    styles = [2 + distinct.index(f) if f else 0 for f in number_formats]
    letters = [get_column_letter(i) for i in range(1, max(len(headers), 1) + 1)]
    sink = _Sink()
    archive = ZipFile(sink, "w", ZIP_DEFLATED, allowZip64=True)
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    archive.writestr("xl/styles.xml", _styles(distinct))
    yield sink.drain()
    number = 1
    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
        header = "".join(_cell(f"{letters[i]}1", h, 1) for i, h in enumerate(headers))
        part.write((_sheet_top(widths) + f'<row r="1">{header}</row>').encode())
        buffer = []
        for row in rows:
            number += 1
            full = len(row) == len(headers)
            cells = "".join(_cell(f"{get_column_letter(i + 1)}{number}", v, styles[i] if full else 0)
                            for i, v in enumerate(row))
            buffer.append(f'<row r="{number}">{cells}</row>')
            if len(buffer) == FLUSH_EVERY:
                part.write("".join(buffer).encode())
                buffer = []
                yield sink.drain()
        last_cell = f"{letters[-1]}{number}" if number > 1 else None
        tail = f'<autoFilter ref="A1:{last_cell}"/>' if last_cell else ""
        part.write(("".join(buffer) + "</sheetData>" + tail + "</worksheet>").encode())
    archive.writestr("xl/workbook.xml", _workbook(title, last_cell))
    archive.close()
    yield sink.drain()
