"""What a funnel report is asked for: the period and the filters, parsed from the page's or the
API's query string with Chinese reasons, and the set of projects they select."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import NotFound, PermissionDenied
from crm.core.permissions import ALL_UNITS, Action, can, visible_unit_ids
from crm.domain import SizeTier, Source
from crm.extensions import db
from crm.projects.models import Project
from crm.reference.models import Chain
from crm.units.models import Unit

MAX_YEARS = 10
PERIODS = {"month": _l("本月"), "quarter": _l("本季度"), "year": _l("本年"), "custom": _l("自定义")}


@dataclass(frozen=True)
class FunnelFilters:
    start: date
    end: date
    period: str = "custom"
    unit_id: int | None = None
    chain_id: int | None = None
    tier: str | None = None
    source: str | None = None

    def last_year(self) -> FunnelFilters:
        return replace(self, start=_year_before(self.start), end=_year_before(self.end))

    def as_args(self) -> dict:
        """The query string of this report (links, the Excel export)."""
        out = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name in ("unit_id", "chain_id", "tier", "source"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out

    def ledger_args(self) -> dict:
        """The ledger's filters that select the same projects as this report's filters."""
        out = {"unit_tree_id": self.unit_id, "chain_id": self.chain_id, "tier": self.tier, "source": self.source}
        return {k: v for k, v in out.items() if v is not None}


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def preset(period: str, today: date) -> tuple[date, date]:
    """This month / quarter / year, whole calendar periods."""
    if period == "month":
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif period == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    else:
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    return start, end


def parse_filters(actor, args) -> FunnelFilters:
    """The report's filters; bad input is a ValidationFailed naming each field (422), a unit the
    actor may not read is a PermissionDenied."""
    e = p.FieldErrors()
    period = args.get("period") or ("custom" if args.get("from") or args.get("to") else "year")
    period = e.run("period", p.choice, period, "period", list(PERIODS), label=_("统计期间"))
    start = e.run("from", p.a_date, args.get("from"), "from", label=_("开始日期"))
    end = e.run("to", p.a_date, args.get("to"), "to", label=_("结束日期"))
    if period and period != "custom":  # a preset chosen on the page wins over dates left in the form
        start, end = preset(period, local_today())
    elif period == "custom" and "from" not in e.fields and "to" not in e.fields:
        end = end or local_today()
        start = start or date(end.year, 1, 1)
        if start > end:
            e.add("from", _("开始日期不能晚于结束日期。"))
        elif end >= _years_after(start, MAX_YEARS):
            e.add("to", _("统计期间不能超过 %(n)s 年。", n=MAX_YEARS))
    tier = e.run("tier", p.choice, args.get("tier"), "tier", SizeTier.codes(), required=False, label=_("规模"))
    source = e.run("source", p.choice, args.get("source"), "source", Source.codes(), required=False,
                   label=_("项目来源"))
    unit_id = e.run("unit_id", p.ref_id, args.get("unit_id"), "unit_id", label=_("责任单位"))
    chain_id = e.run("chain_id", p.ref_id, args.get("chain_id"), "chain_id", label=_("产业链"))
    if unit_id is not None and p.record_by_id(Unit, unit_id) is None:
        e.add("unit_id", _("没有这个单位。"))
    if chain_id is not None and p.record_by_id(Chain, chain_id) is None:
        e.add("chain_id", _("没有这个产业链。"))
    e.raise_if_any(_("筛选条件有误。"))
    if unit_id is not None and visible_unit_ids(actor) is not ALL_UNITS and not can(actor, Action.READ, unit_id):
        raise PermissionDenied(_("您只能查看本单位的数据。"))
    return FunnelFilters(start, end, period or "custom", unit_id, chain_id, tier, source)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def subtree_ids(unit_id: int) -> set[int]:
    """A unit and every unit under it (units form a small tree: one query, walked here)."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    if unit_id not in parents:
        raise NotFound(_("没有这个单位。"))
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier and child not in found}
        found |= frontier
    return found


def projects_in_scope(actor, f: FunnelFilters):
    """A select() of the ids of the live projects the report covers: the actor's units, the unit's
    subtree, the chain, the size tier (total investment; a capital increase's is its increment)
    and the source. The ledger's drill-down applies the same conditions (crm/funnel/ledger.py)."""
    stmt = select(Project.id).where(Project.archived_at.is_(None))
    units = visible_unit_ids(actor)
    if units is not ALL_UNITS:
        stmt = stmt.where(Project.unit_id.in_(units or {-1}))
    if f.unit_id is not None:
        stmt = stmt.where(Project.unit_id.in_(subtree_ids(f.unit_id)))
    if f.chain_id is not None:
        stmt = stmt.where(Project.chain_id == f.chain_id)
    if f.tier:
        stmt = stmt.where(Project.total_investment_wan >= SizeTier(f.tier).floor)
    if f.source:
        stmt = stmt.where(Project.source == f.source)
    return stmt
