"""What the funnel page shows beside the report: the ledger links behind every figure (drill-down)
and the stalled lists with their days overdue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import current_app, url_for

from crm.core.dates import local_date, local_today
from crm.core.i18n import N_
from crm.domain import PermitKind, SizeTier, Stage
from crm.funnel.counting import BANDS
from crm.funnel.filters import FunnelFilters
from crm.main.stalled import stalled_for

BAND_TITLES = {"under_100m": N_("1亿元以下"), "100m": N_("1亿—10亿元"), "1b": N_("10亿—50亿元"), "5b": N_("50亿元以上")}


def ledger_url(f: FunnelFilters, **args) -> str:
    return url_for("projects.ledger", **{**f.ledger_args(), **args})


def entered_url(f: FunnelFilters, stage: str, converted: bool = False, **extra) -> str:
    args = {"entered_stage": stage, "entered_from": f.start.isoformat(), "entered_to": f.end.isoformat()}
    if converted:
        args["converted_by"] = f.end.isoformat()
    return ledger_url(f, **args, **extra)


def current_url(f: FunnelFilters, stage: str) -> str:
    return ledger_url(f, current_stage_at=stage, current_on=f.end.isoformat())


def stage_links(f: FunnelFilters, stage: str) -> dict:
    """The ledger links of one stage's figures, this period and last year."""
    ly = f.last_year()
    return {"entered": entered_url(f, stage), "current": current_url(f, stage),
            "converted": entered_url(f, stage, converted=True),
            "last_year": {"entered": entered_url(ly, stage), "current": current_url(ly, stage),
                          "converted": entered_url(ly, stage, converted=True)}}


RANKED_STAGE = {"leads": Stage.TALKS, "approvals": Stage.APPROVED, "signings": Stage.SIGNED,
                "starts": Stage.STARTED, "signed_investment_wan": Stage.SIGNED}


def band_args(f: FunnelFilters, code: str) -> dict:
    """The ledger filters of one size band, within the report's own tier filter."""
    low, high = next((lo, hi) for c, lo, hi in BANDS if c == code)
    floor = SizeTier(f.tier).floor if f.tier else Decimal(0)
    args = {}
    tiers = [t for t in SizeTier if t.floor == max(floor, low or Decimal(0))]
    if tiers:
        args["tier"] = tiers[0].value
    if high is not None:
        args["investment_below"] = str(high)
    return args


def ranking_url(f: FunnelFilters, dim: str, key, measure: str, last_year: bool = False) -> str:
    period = f.last_year() if last_year else f
    if dim == "unit":
        extra = {"unit_id": key}
    elif dim == "chain":
        extra = {"chain_id": key} if key is not None else {"without_chain": "1"}  # 未归链
    else:
        extra = band_args(f, key)
    return entered_url(period, RANKED_STAGE[measure].value, **extra)


def ranking_urls(f: FunnelFilters, dim: str, rows: list[dict]) -> dict:
    """(key, measure) -> the ledger link of every cell of one ranking table. A unit or chain row's
    link is its measure's link with the row's key appended: one url_for per measure, not per cell
    (200 units × 5 measures made the page spend more time building links than counting)."""
    measures = list(RANKED_STAGE)
    if dim == "band" or (dim == "chain" and f.chain_id is not None):
        return {(r["key"], m): ranking_url(f, dim, r["key"], m) for r in rows for m in measures}
    base = {m: entered_url(f, RANKED_STAGE[m].value) for m in measures}
    out = {}
    for r in rows:
        key = r["key"]
        extra = (f"unit_id={int(key)}" if dim == "unit" else
                 f"chain_id={int(key)}" if key is not None else "without_chain=1")
        for m in measures:
            out[(key, m)] = f"{base[m]}&{extra}"
    return out


def stalled_rows(actor, today: date | None = None, within=None) -> dict:
    """The home page's four stalled lists (crm/main/stalled.py), each row with its days overdue;
    `within` (a report's scope) narrows them to the report's projects."""
    today = today or local_today()
    lists = stalled_for(actor, today, within=within)
    config = current_app.config
    approved_days, talks_days = config.get("STALLED_APPROVED_DAYS", 90), config.get("STALLED_TALKS_DAYS", 60)

    def talks_since(project, last):
        return (today - (last or local_date(project.created_at))).days - talks_days

    rows = {kind: lists.pages[kind].items for kind in lists.pages}
    return {
        "signed_not_started": [(p, due, (today - due).days) for p, due in rows["signed_not_started"]],
        "approved_not_signed": [(p, on, (today - on).days - approved_days) for p, on in rows["approved_not_signed"]],
        "talks_without_follow_up": [(p, last, talks_since(p, last)) for p, last in rows["talks_without_follow_up"]],
        "overdue_permits": [(p, f"{PermitKind(permit.kind).title} {permit.due_date}", (today - permit.due_date).days)
                            for p, permit in rows["overdue_permits"]],
        "totals": {kind: page.total for kind, page in lists.pages.items()}, "total": lists.total,
    }
