"""Cycle times (进度时效, DOMAIN.md §7): days between consecutive stages, measured from the
transitions (never typed in), as median and 80th percentile, overall, per unit and per chain.

A step counts in the period in which it was completed (the advance into the later stage); it is
measured from the project's latest entry into the earlier stage before that advance. Calendar
days (自然日).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, String, cast, func, literal, null, select, union_all

from crm.domain import Stage, TransitionKind
from crm.extensions import db
from crm.funnel.counting import events
from crm.funnel.sqlfn import days_between, quantiles
from crm.pipeline.models import Transition
from crm.projects.models import Project


def steps(scope, start: date, end: date):
    """(project's unit, chain, the step's earlier stage, days) for each step completed in the period."""
    ev = events(corrections=True)
    entered_before = (select(func.max(ev.c.day)).where(ev.c.project_id == Transition.project_id,
                                                       ev.c.stage == cast(Transition.from_stage, String(16)),
                                                       ev.c.day <= Transition.effective_date)
                      .correlate(Transition).scalar_subquery())
    return (select(Project.unit_id, Project.chain_id, cast(Transition.from_stage, String(16)).label("step"),
                   days_between(Transition.effective_date, entered_before).label("days"))
            .join(Project, Project.id == Transition.project_id)
            .where(Transition.kind == TransitionKind.ADVANCE, Transition.effective_date >= start,
                   Transition.effective_date <= end, Transition.project_id.in_(scope))
            .subquery("steps"))


def cycle_times(scope, start: date, end: date) -> dict:
    """{"overall": [...], "by_unit": [...], "by_chain": [...], "slowest": step or None}; one query."""
    s = steps(scope, start, end)
    measured = s.c.days.is_not(None)
    grouped = union_all(
        select(literal("overall").label("dim"), cast(null(), Integer).label("key"), s.c.step, s.c.days).where(measured),
        select(literal("by_unit"), s.c.unit_id, s.c.step, s.c.days).where(measured),
        select(literal("by_chain"), s.c.chain_id, s.c.step, s.c.days).where(measured, s.c.chain_id.is_not(None)),
    ).subquery()
    out: dict = {"overall": [], "by_unit": [], "by_chain": []}
    order = {stage.value: stage.index for stage in Stage}
    for row in db.session.execute(quantiles(grouped, ["dim", "key", "step"], "days")).all():
        out[row.dim].append({"key": row.key, "from": row.step, "to": Stage(row.step).next().value,
                             "count": row.n, "median": float(row.median), "p80": row.p80})
    for rows in out.values():
        rows.sort(key=lambda r: (r["key"] or 0, order[r["from"]]))
    out["slowest"] = max(out["overall"], key=lambda r: r["median"], default=None)
    return out
