"""Excel export of the payout ledger: one column per labelled field of the payout schema, then the totals row."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from crm.core.excel import safe_row
from crm.core.schema import field_label
from crm.extensions import db
from crm.payouts.queries import Totals
from crm.payouts.schemas import PayoutSchema

MAX_ROWS = 50_000
SKIP = {"project_id", "unit_id", "term_id", "reward_policy_id", "applicant_id", "decided_by_id", "paid_by_id",
        "recipients", "version", "updated_at"}


def _cell(key: str, value, field):
    choices = field.metadata.get("choices")
    if choices and value is not None:
        return _(choices[str(value)])
    return value


def ledger_workbook(stmt, totals: Totals) -> BytesIO:
    schema = PayoutSchema()
    columns = [(name, f) for name, f in schema.fields.items() if name not in SKIP and field_label(f)]
    book = Workbook()
    sheet = book.active
    sheet.title = _("奖励兑现台账")
    sheet.append(safe_row([_(field_label(f)) for _n, f in columns] + [_("获奖对象")]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for count, payout in enumerate(db.session.scalars(stmt.limit(MAX_ROWS + 1)), start=1):
        if count > MAX_ROWS:
            sheet.append([_("仅导出前 %(n)s 条，请缩小筛选范围。", n=MAX_ROWS)])
            break
        data = schema.dump(payout)
        people = "；".join(f"{r['name']} {r['share']}%" for r in data["recipients"])
        row = [_cell(name, data[name], f) for name, f in columns]
        row = [payout.amount_wan if name == "amount_wan" else v for (name, _f), v in zip(columns, row, strict=True)]
        sheet.append(safe_row(row + [people]))
    sheet.append(safe_row([_("合计（%(n)s 条）", n=totals.count)] + [""] * (len(columns) - 1)))
    amount_col = [name for name, _f in columns].index("amount_wan") + 1
    sheet.cell(row=sheet.max_row, column=amount_col, value=totals.amount_wan)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
