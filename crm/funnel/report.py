"""One funnel report: the stages this period and the same period last year (同比), the rankings
and the cycle times. The page, the API, the charts and the Excel export all read this."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from crm.domain import Stage
from crm.extensions import db
from crm.funnel.counting import BANDS, monthly_entries, stage_figures
from crm.funnel.cycles import cycle_times
from crm.funnel.filters import FunnelFilters, projects_in_scope
from crm.funnel.sqlfn import without_jit
from crm.reference.models import Chain
from crm.units.models import Unit

FIGURE_KEYS = ("entered", "entered_investment_wan", "current", "conversion", "median_days_to_next")
# What the rankings rank: leads, approvals, signings, starts (entries) and the signed investment.
RANKED = (("leads", Stage.TALKS, "entered"), ("approvals", Stage.APPROVED, "entered"),
          ("signings", Stage.SIGNED, "entered"), ("starts", Stage.STARTED, "entered"),
          ("signed_investment_wan", Stage.SIGNED, "investment"))


@dataclass
class FunnelReport:
    filters: FunnelFilters
    stages: list[dict]
    rankings: dict[str, list[dict]] = field(default_factory=dict)
    totals: dict = field(default_factory=dict)
    cycle_times: dict = field(default_factory=dict)
    current_by_unit: list = field(default_factory=list)
    monthly: list = field(default_factory=list)
    unit_names: dict = field(default_factory=dict)
    scope: object = None

    def as_json(self) -> dict:
        return {"from": self.filters.start.isoformat(), "to": self.filters.end.isoformat(),
                "stages": [{k: _json(s[k]) for k in ("stage", *FIGURE_KEYS)}
                           | {"last_year": {k: _json(s["last_year"][k]) for k in FIGURE_KEYS}} for s in self.stages],
                "rankings": {dim: [{k: _json(v) for k, v in row.items()} for row in rows]
                             for dim, rows in self.rankings.items()},
                "totals": {k: _json(v) for k, v in self.totals.items()},
                "cycle_times": self.cycle_times}


def _json(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def change(now, before) -> float | None:
    """同比: the % change from last year's figure, None when last year's was zero or missing."""
    if now is None or not before:
        return None
    return round((float(now) - float(before)) / float(before) * 100, 1)


def build_report(actor, f: FunnelFilters) -> FunnelReport:
    """Six statements: JIT off (PostgreSQL), the scope's units, the entered rows and conversions of both periods, the
    stages as of both period ends (by unit), the unit and chain names, the cycle times."""
    without_jit(db.session)
    scope = projects_in_scope(actor, f)
    ly = f.last_year()
    (stages, rows, by_unit), (last_stages, last_rows, _) = stage_figures(scope, [(f.start, f.end),
                                                                                  (ly.start, ly.end)])
    for now, before in zip(stages, last_stages, strict=True):
        now["last_year"] = {k: before[k] for k in FIGURE_KEYS}
        now["change"] = {k: change(now[k], before[k]) for k in FIGURE_KEYS}
    report = FunnelReport(f, stages, current_by_unit=by_unit)
    report.scope = scope
    report.unit_names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    report.rankings, report.totals = rankings(rows, last_rows, report.unit_names)
    report.cycle_times = cycle_times(scope, f.start, f.end)
    return report


def add_chart_data(report: FunnelReport, scope=None) -> FunnelReport:
    """The charts' extra figures (one statement): monthly signings and starts over the 24 months
    ending with the period (the stage counts by unit came with the report)."""
    f = report.filters
    scope = scope if scope is not None else report.scope
    first = date(f.end.year - 2 + (f.end.month // 12), f.end.month % 12 + 1, 1)
    report.monthly = monthly_entries(scope, first, f.end, (Stage.SIGNED.value, Stage.STARTED.value))
    return report


# stage code -> the ranked measures it feeds, (name, counts investment?), plain strings: the loop
# below runs over every grouped row.
MEASURES_OF = defaultdict(list)
for _name, _stage, _measure in RANKED:
    MEASURES_OF[_stage.value].append((_name, _measure == "investment"))


def _measures(rows, one_key: bool = False) -> dict:
    """key -> {leads, approvals, ...} summed over one dimension's grouped rows (all under "all" with
    `one_key`: the totals)."""
    out: dict = defaultdict(lambda: {name: 0 for name, _s, _m in RANKED} | {"signed_investment_wan": Decimal(0)})
    for stage, key, count, investment in rows:
        figures = out["all" if one_key else key]
        for name, is_investment in MEASURES_OF.get(stage, ()):
            figures[name] += Decimal(investment) if is_investment else count
    return out


def rankings(rows, last_rows, units: dict) -> tuple[dict, dict]:
    """By unit, by chain and by size band, each with last year's figures; plus the totals, which
    every breakdown adds up to (a test checks it)."""
    chains = dict(db.session.execute(select(Chain.id, Chain.name)).all())
    names = {"unit": lambda k: units.get(k, ""), "chain": lambda k: chains.get(k) if k else None,
             "band": lambda k: k}
    out = {}
    for dim in ("unit", "chain", "band"):
        now, before = _measures(rows[dim]), _measures(last_rows[dim])
        keys = [code for code, _lo, _hi in BANDS] if dim == "band" else set(now) | set(before)
        table = [{"key": key, "name": names[dim](key), **now[key],
                  "last_year": dict(before[key])} for key in keys]
        if dim != "band":
            table.sort(key=lambda r: (-r["signings"], -r["signed_investment_wan"], -r["leads"], str(r["name"])))
        out[dim] = table
    total, total_before = _measures(rows["unit"], True)["all"], _measures(last_rows["unit"], True)["all"]
    return out, {**total, "last_year": dict(total_before)}
