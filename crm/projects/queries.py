"""The project ledger query: one set of filters for the list page, the Excel export and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from crm.core import parsing as p
from crm.core.dates import start_of_local_day
from crm.core.paging import web_sort
from crm.domain import SizeTier, Source, Stage, Status
from crm.extensions import db
from crm.projects.models import Project
from crm.projects.services import visible_projects

SORTS = {
    "updated": Project.updated_at, "created": Project.created_at, "name": Project.name,
    "investment": Project.total_investment_wan,
    "stage": case({s.value: s.index for s in Stage}, value=Project.stage),
}


@dataclass
class ProjectFilters:
    stage: str | None = None
    status: str | None = None
    unit_id: int | None = None
    chain_id: int | None = None
    without_chain: bool | None = None  # 未归链: projects not assigned to an industry chain
    tier: str | None = None
    source: str | None = None
    lead_leader_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    signed_from: date | None = None
    signed_to: date | None = None
    # The funnel's drill-down (crm/funnel/ledger.py applies them): the projects behind one figure.
    entered_stage: str | None = None
    entered_from: date | None = None
    entered_to: date | None = None
    converted_by: date | None = None
    current_stage_at: str | None = None
    current_on: date | None = None
    unit_tree_id: int | None = None
    investment_below: Decimal | None = None
    q: str | None = None
    sort: str = "updated"
    desc: bool = True

    @classmethod
    def from_args(cls, args) -> ProjectFilters:
        """Parse query-string arguments; an unusable value is a ValidationFailed naming the field."""
        e = p.FieldErrors()
        f = cls(
            stage=e.run("stage", p.choice, args.get("stage"), "stage", Stage.codes(), required=False,
                        label=_("阶段")),
            status=e.run("status", p.choice, args.get("status"), "status", Status.codes(),
                         required=False, label=_("状态")),
            tier=e.run("tier", p.choice, args.get("tier"), "tier", SizeTier.codes(), required=False, label=_("规模")),
            source=e.run("source", p.choice, args.get("source"), "source", Source.codes(), required=False,
                         label=_("项目来源")),
            entered_stage=e.run("entered_stage", p.choice, args.get("entered_stage"), "entered_stage",
                                Stage.codes(), required=False, label=_("阶段")),
            current_stage_at=e.run("current_stage_at", p.choice, args.get("current_stage_at"), "current_stage_at",
                                   Stage.codes(), required=False, label=_("阶段")),
            investment_below=e.run("investment_below", p.decimal, args.get("investment_below"), "investment_below",
                                   label=_("总投资")),
            q=e.run("q", p.text, args.get("q"), "q", max_length=100, label=_("关键词")),
        )
        f.without_chain = e.run("without_chain", p.flag, args.get("without_chain"), "without_chain",
                                label=_("未归链")) or None
        f.sort, f.desc = web_sort(args, SORTS, "updated")
        for name, label in (("unit_id", _("责任单位")), ("chain_id", _("产业链")), ("lead_leader_id", _("包保领导")),
                            ("unit_tree_id", _("责任单位"))):
            setattr(f, name, e.run(name, p.ref_id, args.get(name), name, label=label))
        for name in ("created_from", "created_to", "signed_from", "signed_to", "entered_from", "entered_to",
                     "converted_by", "current_on"):
            setattr(f, name, e.run(name, p.a_date, args.get(name), name, label=_("日期")))
        e.raise_if_any(_("筛选条件有误。"))
        return f

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links: export, paging, sorting)."""
        out = {}
        for fld in fields(self):
            value = getattr(self, fld.name)
            if fld.name == "desc":
                out["dir"] = "desc" if value else "asc"
            elif value is True:
                out[fld.name] = "1"
            elif value not in (None, ""):
                out[fld.name] = value.isoformat() if isinstance(value, date) else str(value) if isinstance(
                    value, Decimal) else value
        return out


# Filters on records of features above projects (e.g. the pipeline's signing date) are applied by
# functions those features register here, so the ledger never imports them (docs/ARCHITECTURE.md).
# A feature may also register how its filters read as chips: `describe(filters)` returns
# (label or None, text, [argument names the chip removes]) for each active one.
LEDGER_FILTERS: list[Callable] = []
LEDGER_CHIPS: list[Callable] = []


def register_ledger_filter(apply: Callable, describe: Callable | None = None) -> None:
    if apply not in LEDGER_FILTERS:
        LEDGER_FILTERS.append(apply)
    if describe is not None and describe not in LEDGER_CHIPS:
        LEDGER_CHIPS.append(describe)


def registered_chips(f: ProjectFilters) -> list[tuple[str | None, str, list[str]]]:
    """The registered filters that are active, in words (the ledger shows them as removable chips)."""
    return [chip for describe in LEDGER_CHIPS for chip in describe(f)]


def ledger_query(actor, f: ProjectFilters):
    """A select() of the projects `actor` may read that match the filters, sorted."""
    stmt = visible_projects(actor)
    if f.stage:
        stmt = stmt.where(Project.stage == f.stage)
    if f.status:
        stmt = stmt.where(Project.status == f.status)
    for name in ("unit_id", "chain_id", "lead_leader_id", "source"):
        if getattr(f, name) is not None:
            stmt = stmt.where(getattr(Project, name) == getattr(f, name))
    if f.without_chain:
        stmt = stmt.where(Project.chain_id.is_(None))
    if f.tier:
        stmt = stmt.where(Project.total_investment_wan >= SizeTier(f.tier).floor)
    if f.created_from:
        stmt = stmt.where(Project.created_at >= start_of_local_day(f.created_from))
    if f.created_to:
        stmt = stmt.where(Project.created_at < start_of_local_day(f.created_to + timedelta(days=1)))
    for extra in LEDGER_FILTERS:
        stmt = extra(stmt, f)
    if f.q:
        # Name, investor, or the pinyin initials of either (e.g. "qc" finds 汽车).
        stmt = stmt.where(Project.search_text.contains(f.q.lower(), autoescape=True))
    column = SORTS[f.sort]
    return stmt.order_by(column.desc() if f.desc else column.asc(), Project.id.desc())


def with_list_relations(stmt):
    return stmt.options(selectinload(Project.unit), selectinload(Project.owner), selectinload(Project.chain),
                        selectinload(Project.lead_leader), selectinload(Project.industry))


def ledger_totals(stmt) -> tuple[int, Decimal]:
    """How many projects the filters select and their total investment (not just the page shown): one
    pass over the filtered rows, reading only the two columns it needs (the count and the sum used to
    be two passes over every column)."""
    rows = stmt.order_by(None).with_only_columns(Project.id, Project.total_investment_wan).subquery()
    count, wan = db.session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.total_investment_wan), 0))).one()
    return int(count), Decimal(wan)
