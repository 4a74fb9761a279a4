"""Cycle times (进度时效, DOMAIN.md §7): days between consecutive stages, measured from the
transitions (never typed in), as median and 80th percentile, overall, per unit and per chain.

A step counts in the period in which it was completed (the advance into the later stage); it is
measured from the project's latest entry into the earlier stage before that advance. Calendar
days (自然日).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, String, and_, case, cast, func, literal, null, or_, select, union_all

from crm.domain import Stage, TransitionKind
from crm.extensions import db
from crm.funnel.counting import STAGE_INDEX, recorded_day
from crm.funnel.sqlfn import days_between, quantiles
from crm.pipeline.models import Transition
from crm.projects.models import Project


def steps(scope, start: date, end: date):
    """(project's unit, chain, the step's earlier stage, days) for each step completed in the period.

    Each advance is measured from the project's previous *entry* (an advance, or an admin correction
    back to an earlier stage, which restarts the clock there), found with LAG over those entries —
    one pass, no per-row subquery. A correction past a stage never entered it: the previous entry is
    then at another stage and the step is not measured. The first step starts the day the project
    was recorded.
    """
    back = case(STAGE_INDEX, value=Transition.to_stage) < case(STAGE_INDEX, value=Transition.from_stage)
    window = {"partition_by": Transition.project_id, "order_by": Transition.id}
    entries = (select(Transition.project_id, Transition.kind, Transition.from_stage, Transition.effective_date,
                      func.lag(Transition.effective_date).over(**window).label("prev_day"),
                      func.lag(Transition.to_stage).over(**window).label("prev_stage"))
               .where(or_(Transition.kind == TransitionKind.ADVANCE,
                          and_(Transition.kind == TransitionKind.CORRECTION, back)))
               .subquery())
    first = (select(Transition.project_id, func.min(Transition.effective_date).label("day"))
             .group_by(Transition.project_id).subquery())
    began = case((entries.c.prev_stage == entries.c.from_stage, entries.c.prev_day),
                 (and_(entries.c.prev_stage.is_(None), entries.c.from_stage == Stage.TALKS.value),
                  recorded_day(first.c.day)))
    return (select(Project.unit_id, Project.chain_id, cast(entries.c.from_stage, String(16)).label("step"),
                   days_between(entries.c.effective_date, began).label("days"))
            .join(Project, Project.id == entries.c.project_id)
            .outerjoin(first, first.c.project_id == Project.id)
            .where(entries.c.kind == TransitionKind.ADVANCE, entries.c.effective_date >= start,
                   entries.c.effective_date <= end, entries.c.project_id.in_(scope))
            .cte("steps"))


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
