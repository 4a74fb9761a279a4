"""Excel export of the screened-projects table."""

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from crm.core.dates import local_date
from crm.core.excel import display_width, finish_sheet, safe_row
from crm.core.i18n import N_
from crm.domain import EnergyTier, Verdict

HEADERS = (N_("项目名称"), N_("责任单位"), N_("准入标准"), N_("亩均税收（万元/亩）"), N_("投资强度（万元/亩）"), N_("亩均产值（万元/亩）"),
           N_("单位产值能耗（吨标准煤/万元）"), N_("能耗审查"), N_("得分"), N_("建议结论"), N_("签批结论"), N_("签批日期"))


TWO_PLACES = "#,##0.00"
FORMATS = (None, None, None, TWO_PLACES, TWO_PLACES, TWO_PLACES, TWO_PLACES, None, "0.00", None, None, "yyyy-mm-dd")


def _number(raw):
    return Decimal(raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if raw is not None else None


def screenings_workbook(screenings) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = _("项目预审表")
    sheet.append([_(h) for h in HEADERS])
    widths = [display_width(_(h)) for h in HEADERS]
    for s in screenings:
        row = safe_row([
            s.project.name, s.project.unit.name, s.policy_version,
            *(_number(s.indicators.get(k)) for k in ("tax_per_mu", "investment_intensity", "output_per_mu",
                                                      "energy_per_output")),
            EnergyTier(s.energy_review_tier or EnergyTier.NONE).title, s.score,
            Verdict(s.proposed_verdict).title, Verdict(s.verdict).title if s.verdict else _("待签批"),
            local_date(s.signed_at) if s.signed_at else None])
        widths = [max(w, display_width(v)) for w, v in zip(widths, row, strict=True)]
        sheet.append(row)
    finish_sheet(sheet, widths, FORMATS)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
