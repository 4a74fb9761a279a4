"""The ledger's drill-down filters: every funnel figure links to /projects filtered to exactly the
projects behind it, selected by the same queries that counted them (crm/funnel/counting.py), and
the ledger shows them in words as removable chips (`describe`)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from crm.core.dates import local_today
from crm.core.formatting import format_wan
from crm.core.i18n import N_
from crm.core.parsing import record_by_id
from crm.domain import Stage
from crm.funnel.counting import current_ids, entered_ids
from crm.funnel.filters import subtree_ids
from crm.projects.models import Project
from crm.units.models import Unit

EARLIEST = date(1900, 1, 1)
QUARTERS = (N_("第一季度"), N_("第二季度"), N_("第三季度"), N_("第四季度"))
ENTRY_ARGS = ["entered_stage", "entered_from", "entered_to", "converted_by"]


def funnel_filters(stmt, f):
    everything = select(Project.id)
    if f.entered_stage:
        stmt = stmt.where(Project.id.in_(entered_ids(everything, f.entered_stage, f.entered_from or EARLIEST,
                                                     f.entered_to or local_today(), f.converted_by)))
    if f.current_stage_at:
        stmt = stmt.where(Project.id.in_(current_ids(everything, f.current_stage_at, f.current_on or local_today())))
    if f.unit_tree_id is not None:
        stmt = stmt.where(Project.unit_id.in_(subtree_ids(f.unit_tree_id)))
    if f.investment_below is not None:
        stmt = stmt.where(Project.total_investment_wan < f.investment_below)
    return stmt


def period_words(start: date | None, end: date | None) -> str:
    """A period as a leader says it: 2026年, 2026年第三季度, 2026年3月, or the two dates."""
    if start and end and start.day == 1 and (end + timedelta(days=1)).day == 1 and start.year == end.year:
        months = end.month - start.month + 1
        if months == 12:
            return _("%(year)s年", year=start.year)
        if months == 3 and start.month % 3 == 1:
            return _("%(year)s年%(quarter)s", year=start.year, quarter=_(QUARTERS[start.month // 3]))
        if months == 1:
            return _("%(year)s年%(month)s月", year=start.year, month=start.month)
    if start and end:
        return _("%(start)s至%(end)s", start=start.isoformat(), end=end.isoformat())
    if start:
        return _("%(start)s起", start=start.isoformat())
    return _("截至%(end)s", end=(end or local_today()).isoformat())


def _stage(code: str) -> str:
    return _(Stage(code).title)


def describe(f) -> list[tuple[str | None, str, list[str]]]:
    """The drill-down filters in words, each with the arguments its chip removes."""
    chips = []
    if f.entered_stage:
        chips.append((None, _("%(period)s进入%(stage)s", period=period_words(f.entered_from, f.entered_to),
                              stage=_stage(f.entered_stage)), ENTRY_ARGS))
        following = Stage(f.entered_stage).next()
        if f.converted_by and following is not None:
            chips.append((None, _("截至%(day)s已进入%(stage)s", day=f.converted_by.isoformat(),
                                  stage=_stage(following.value)), ["converted_by"]))
    if f.current_stage_at:
        chips.append((None, _("%(day)s处于%(stage)s（推进中或暂缓）", day=(f.current_on or local_today()).isoformat(),
                              stage=_stage(f.current_stage_at)), ["current_stage_at", "current_on"]))
    if f.unit_tree_id is not None:
        unit = record_by_id(Unit, f.unit_tree_id)
        chips.append((_("所属单位含下级"), unit.name if unit else str(f.unit_tree_id), ["unit_tree_id"]))
    if f.investment_below is not None:
        chips.append((_("总投资低于"), format_wan(f.investment_below), ["investment_below"]))
    return chips
