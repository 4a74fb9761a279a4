"""Excel export of exactly what the ledger shows: Chinese headers with the unit in each header."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.core.dates import local_date
from crm.core.excel import safe_row
from crm.core.i18n import N_
from crm.domain import FundOrigin, Source, Stage, Status
from crm.extensions import db
from crm.projects.queries import with_list_relations

MAX_ROWS = 50_000
MONEY = "#,##0.00"

COLUMNS = (
    (N_("编号"), lambda p: p.id, None),
    (N_("项目名称"), lambda p: p.name, None),
    (N_("投资方"), lambda p: p.investor_name, None),
    (N_("统一社会信用代码"), lambda p: p.investor_uscc or "", None),
    (N_("行业大类"), lambda p: p.industry.label if p.industry else p.industry_code, None),
    (N_("产业链"), lambda p: p.chain.name if p.chain else "", None),
    (N_("责任单位"), lambda p: p.unit.name, None),
    (N_("责任人"), lambda p: p.owner.name, None),
    (N_("包保领导"), lambda p: p.lead_leader.name if p.lead_leader else "", None),
    (N_("阶段"), lambda p: Stage(p.stage).title, None),
    (N_("状态"), lambda p: Status(p.status).title, None),
    (N_("项目来源"), lambda p: Source(p.source).title, None),
    (N_("资金来源"), lambda p: FundOrigin(p.fund_origin).title, None),
    (N_("总投资（万元）"), lambda p: p.total_investment_wan, MONEY),
    (N_("固定资产投资（万元）"), lambda p: p.fixed_asset_investment_wan, MONEY),
    (N_("用地面积（亩）"), lambda p: p.land_area_mu, MONEY),
    (N_("达产年产值（万元）"), lambda p: p.expected_annual_output_wan, MONEY),
    (N_("达产年税收（万元）"), lambda p: p.expected_annual_tax_wan, MONEY),
    (N_("年综合能耗（吨标准煤）"), lambda p: p.annual_energy_tce, MONEY),
    (N_("新增就业（人）"), lambda p: p.jobs, "0"),
    (N_("录入日期"), lambda p: local_date(p.created_at), "yyyy-mm-dd"),
)


def ledger_workbook(stmt) -> BytesIO:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("项目台账")
    sheet.append([_(header) for header, _value, _fmt in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for count, project in enumerate(db.session.scalars(with_list_relations(stmt).limit(MAX_ROWS + 1)), start=1):
        if count > MAX_ROWS:
            sheet.append([_("仅导出前 %(n)s 条，请缩小筛选范围。", n=MAX_ROWS)])
            break
        sheet.append(safe_row(value(project) for _header, value, _fmt in COLUMNS))
    for index, (header, _value, fmt) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, len(header) * 2 + 2)
        if fmt:
            for cell in sheet[letter][1:]:
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
