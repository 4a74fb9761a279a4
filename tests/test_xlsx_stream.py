"""The streamed .xlsx writer (crm/core/xlsx_stream.py): what Excel users see when they open it."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from crm.core.excel import stream_sheet


def _open(chunks):
    return load_workbook(BytesIO(b"".join(chunks))).active


def test_values_formats_header_and_filter_survive_the_round_trip():
    headers = ["编号", "项目名称", "总投资（万元）", "签约日期", "记录时间", "重点项目"]
    rows = [
        [1, "<甲&乙> \"项目\"", Decimal("12345.50"), date(2026, 3, 1), datetime(2026, 3, 1, 8, 30), True],
        [2, "=SUM(A1)", Decimal("1E+3"), None, None, False],
        ["仅导出前 2 条，请缩小筛选范围。"],  # a closing remark, shorter than the header
    ]
    formats = ["0", None, "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    sheet = _open(stream_sheet("项目台账", headers, rows, formats))

    assert sheet.title == "项目台账"
    assert [c.value for c in sheet[1]] == headers
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:F4"
    first = [c.value for c in sheet[2]]
    assert first[:3] == [1, "<甲&乙> \"项目\"", 12345.5]
    assert first[3].date() == date(2026, 3, 1) and first[4] == datetime(2026, 3, 1, 8, 30)
    assert first[5] is True
    assert sheet["C2"].number_format == "#,##0.00" and sheet["D2"].number_format == "yyyy-mm-dd"
    second = [c.value for c in sheet[3]]
    assert second[1] == "'=SUM(A1)"  # typed text never becomes a formula
    assert second[2] == 1000 and second[3] is None and second[5] is False
    assert sheet["A4"].value == "仅导出前 2 条，请缩小筛选范围。"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_an_empty_export_is_still_a_workbook_with_its_header():
    sheet = _open(stream_sheet("项目台账", ["编号", "项目名称"], [], ["0"]))
    assert [c.value for c in sheet[1]] == ["编号", "项目名称"]
    assert sheet.max_row == 1


def test_the_first_bytes_leave_before_the_last_row_is_read():
    read = []

    def rows():
        for n in range(3000):
            read.append(n)
            yield [n, f"项目{n}"]

    chunks = stream_sheet("台账", ["编号", "名称"], rows(), ["0"])
    first = next(chunks)
    assert first and len(read) < 3000
    sheet = _open([first, *chunks])
    assert len(read) == 3000 and sheet.max_row == 3001 and sheet["B3001"].value == "项目2999"
