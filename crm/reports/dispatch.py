"""The dispatch report (调度通报, DOMAIN §7 and §9): the funnel of a period as a printed document.

Nothing is counted here: the figures are the funnel's own report (crm/funnel/report.py, the same as
/funnel and GET /api/v1/funnel for the same filters), its charts the page's SVG strings, the stalled
lists the page's, the trips the trips' figures and the payouts the payouts' summary. The filters are
parsed by the funnel's parser, so a bad one is refused with the same Chinese reason as on /funnel.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.core.dates import local_today
from crm.core.i18n import N_
from crm.core.permissions import Action, can
from crm.domain import SizeTier, Source
from crm.extensions import db
from crm.funnel.charts import report_charts
from crm.funnel.filters import FunnelFilters, parse_filters, subtree_ids
from crm.funnel.page import BAND_TITLES, stalled_rows
from crm.funnel.report import FunnelReport, add_chart_data, build_report
from crm.payouts.queries import PeriodSummary, period_summary
from crm.reference.models import Chain
from crm.trips.figures import REACHED, Figures, trip_figures
from crm.units.models import Unit

WAITING_ROWS = 10


@dataclass
class Dispatch:
    filters: FunnelFilters
    report: FunnelReport
    charts: dict
    stalled: dict | None  # None for users who do not review (the funnel page hides them too)
    trips: Figures
    payouts: PeriodSummary
    filter_text: list[tuple[str, str]]
    band_titles: dict
    unit_cycles: list  # one row per unit: (unit name, {from stage: step figures})
    trip_reached: tuple = REACHED


def dispatch_data(actor, args) -> Dispatch:
    """The report for `?from&to&unit_id&chain_id&tier&source`; a ValidationFailed (422) names each bad
    field, a unit the actor may not read is a PermissionDenied (403)."""
    f = parse_filters(actor, args)
    report = add_chart_data(build_report(actor, f))
    today = local_today()
    stalled = (stalled_rows(actor, today, within=report.scope) if can(actor, Action.REVIEW, actor.unit_id)
               else None)
    units = subtree_ids(f.unit_id) if f.unit_id is not None else None
    return Dispatch(
        filters=f, report=report, charts=report_charts(report), stalled=stalled,
        trips=trip_figures(actor, f.start, f.end, unit_ids=units),
        payouts=period_summary(actor, f.start, f.end, today, project_ids=report.scope, rows=WAITING_ROWS),
        filter_text=_filter_text(f), band_titles=BAND_TITLES, unit_cycles=_unit_cycles(report))


def _unit_cycles(report: FunnelReport) -> list[tuple[str, dict]]:
    """The cycle times by unit, one row per unit with a cell per step: a province's 200 units make
    200 rows (a page of four rows per unit would run to 20 pages)."""
    rows: dict = {}
    for step in report.cycle_times["by_unit"]:
        rows.setdefault(step["key"], {})[step["from"]] = step
    names = report.unit_names
    return sorted(((names.get(key, ""), cells) for key, cells in rows.items()), key=lambda r: r[0])


def _filter_text(f: FunnelFilters) -> list[tuple[str, str]]:
    """The filters in words for the report's first lines (label msgid, value)."""
    out = []
    if f.unit_id is not None:
        out.append((N_("责任单位（含下级）"), db.session.get(Unit, f.unit_id).name))
    if f.chain_id is not None:
        out.append((N_("产业链"), db.session.get(Chain, f.chain_id).name))
    if f.tier:
        out.append((N_("规模"), SizeTier(f.tier).title))
    if f.source:
        out.append((N_("项目来源"), Source(f.source).title))
    return out
