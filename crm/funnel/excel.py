"""The funnel and its rankings as an .xlsx workbook, with the filters in each sheet's title; every
row passes through crm/core/excel.py safe_row."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from crm.core.excel import safe_row
from crm.core.i18n import N_
from crm.domain import SizeTier, Source, Stage
from crm.extensions import db
from crm.funnel.page import BAND_TITLES
from crm.funnel.report import FunnelReport
from crm.reference.models import Chain
from crm.units.models import Unit

MEASURES = (("leads", N_("新增在谈")), ("approvals", N_("过会")), ("signings", N_("签约")), ("starts", N_("开工")),
            ("signed_investment_wan", N_("签约投资（万元）")))


def filters_title(report: FunnelReport) -> str:
    """统计期间 and every filter in words, e.g. "2025-01-01 至 2025-03-31 · 驻上海招商组（含下级） · 10亿元以上"."""
    f = report.filters
    parts = [_("%(a)s 至 %(b)s", a=f.start.isoformat(), b=f.end.isoformat())]
    if f.unit_id is not None:
        parts.append(_("%(unit)s（含下级）", unit=db.session.get(Unit, f.unit_id).name))
    if f.chain_id is not None:
        parts.append(db.session.get(Chain, f.chain_id).name)
    if f.tier:
        parts.append(SizeTier(f.tier).title)
    if f.source:
        parts.append(Source(f.source).title)
    return " · ".join(parts)


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def funnel_workbook(report: FunnelReport) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = _("招商漏斗")
    title = filters_title(report)
    sheet.append(safe_row([_("招商漏斗") + " " + title]))
    sheet["A1"].font = Font(bold=True)
    sheet.append(safe_row([_("阶段"), _("本期进入"), _("进入项目总投资（万元）"), _("期末在库"), _("转化率"),
                           _("到下一阶段中位天数（自然日，按业务日期计算）"), _("去年同期进入"), _("去年同期总投资（万元）"),
                           _("去年期末在库"), _("去年转化率"), _("同比（%）")]))
    for s in report.stages:
        ly = s["last_year"]
        sheet.append(safe_row([Stage(s["stage"]).title, s["entered"], _number(s["entered_investment_wan"]), s["current"],
                               s["conversion"], s["median_days_to_next"], ly["entered"],
                               _number(ly["entered_investment_wan"]), ly["current"], ly["conversion"],
                               s["change"]["entered"]]))
    for dim, name in (("unit", _("按单位排名")), ("chain", _("按产业链排名")), ("band", _("按规模排名"))):
        ws = book.create_sheet(name)
        ws.append(safe_row([name + " " + title]))
        ws["A1"].font = Font(bold=True)
        ws.append(safe_row([_("名称")] + [_(label) for _m, label in MEASURES]
                           + [_("去年") + _(label) for _m, label in MEASURES]))
        for r in report.rankings[dim]:
            band = BAND_TITLES.get(r["key"], "")
            label = _(band) if dim == "band" else (r["name"] or _("未归链"))
            ws.append(safe_row([label] + [_number(r[m]) for m, _l in MEASURES]
                               + [_number(r["last_year"][m]) for m, _l in MEASURES]))
        ws.append(safe_row([_("合计")] + [_number(report.totals[m]) for m, _l in MEASURES]
                           + [_number(report.totals["last_year"][m]) for m, _l in MEASURES]))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
