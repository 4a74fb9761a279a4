"""The funnel's counts (DOMAIN.md §7), aggregated in SQL: a fixed number of queries per report,
whatever the number of projects.

Definitions (the ledger drill-down uses the same selects, so its totals equal these figures):
- a project *enters* 在谈 on the day it was recorded (the local date of `created_at`, or its first
  transition's business date if that is earlier, for projects entered after the fact); it enters a
  later stage on the business date of an `advance` transition into it. Corrections never enter a
  stage, so a project moved past a stage by an admin correction has not entered the stage it skipped.
- a capital increase (增资) is not a new lead: it is left out of 在谈 "entered"; in the later
  stages it counts with its own total investment, which is the increment.
- counts are of distinct projects: a project entering a stage twice in a period counts once, on
  its first entry in the period.
- `current`: the stage and status as of the period end, read from the transitions dated up to it,
  so a closed period's report never changes when later transitions are recorded.
- `conversion`: of the projects that entered stage s in the period, the share that entered the
  next stage by the period end (on or after entering s); `median_days_to_next` is the median of
  the calendar days (自然日) between the two business dates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    true,
    union_all,
)

from crm.domain import ProjectKind, Stage, Status, TransitionKind
from crm.extensions import db
from crm.funnel.sqlfn import days_between, earlier_of, local_day, quantiles, year_month
from crm.pipeline.models import Transition
from crm.projects.models import Project

STAGES = list(Stage)
NEXT_STAGE = {s.value: s.next().value for s in STAGES if s.next() is not None}
# Size bands for the rankings: they partition the projects, so the parts add up to the whole
# (the size tiers of the filter overlap: 10亿元以上 is also 亿元以上).
BANDS = (("under_100m", None, Decimal(10_000)), ("100m", Decimal(10_000), Decimal(100_000)),
         ("1b", Decimal(100_000), Decimal(500_000)), ("5b", Decimal(500_000), None))


STAGE_INDEX = {s.value: s.index for s in STAGES}


def recorded_day(first_transition=None):
    """The day a project entered 在谈: the local date it was recorded, or its first transition's
    business date if earlier (a project entered after the fact). Without `first_transition`, a
    subquery correlated to Project finds it."""
    if first_transition is None:
        first_transition = (select(func.min(Transition.effective_date)).where(Transition.project_id == Project.id)
                            .correlate(Project).scalar_subquery())
    return earlier_of(local_day(Project.created_at), first_transition)


def events(first_day: date, last_day: date):
    """One row per stage entry on a day in [first_day, last_day]: (project_id, stage, day); the day
    a project entered 在谈 depends on its first transition, so that branch reads every project.
    No index on the business date on purpose: with one, PostgreSQL chose it for the correlated
    next-stage look-up below (a range scan per cohort row) and the report took seconds."""
    first = (select(Transition.project_id, func.min(Transition.effective_date).label("day"))
             .group_by(Transition.project_id).subquery())
    recorded = (select(Project.id.label("project_id"), cast(literal(Stage.TALKS.value), String(16)).label("stage"),
                       recorded_day(first.c.day).label("day"))
                .outerjoin(first, first.c.project_id == Project.id))
    advances = select(Transition.project_id.label("project_id"), cast(Transition.to_stage, String(16)).label("stage"),
                      Transition.effective_date.label("day")).where(Transition.kind == TransitionKind.ADVANCE,
                                                                    Transition.effective_date.between(first_day, last_day))
    return union_all(recorded, advances).subquery("events")


def _counted(ev):
    """A capital increase is not a new lead (DOMAIN §2): not counted as entering 在谈."""
    return not_(and_(ev.c.stage == Stage.TALKS.value, Project.kind == ProjectKind.CAPITAL_INCREASE))


def periods_table(periods: list[tuple[date, date]]):
    """The periods asked about as a small table (p, start, end): this period and last year's are
    counted in one pass (they may overlap: a custom period can be longer than a year)."""
    return union_all(*[select(literal(i, Integer).label("p"), literal(s, Date).label("start"),
                              literal(e, Date).label("end")) for i, (s, e) in enumerate(periods)]).subquery("periods")


def entries(scope, periods: list[tuple[date, date]]):
    """A select() of (p, period end, project_id, stage, first day): each project's first entry into
    each stage in each period."""
    ev = events(min(start for start, _e in periods), max(end for _s, end in periods))
    per = periods_table(periods)
    return (select(per.c.p, per.c.end, ev.c.project_id, ev.c.stage, func.min(ev.c.day).label("day"))
            .join_from(ev, per, and_(ev.c.day >= per.c.start, ev.c.day <= per.c.end))
            .join(Project, Project.id == ev.c.project_id)
            .where(ev.c.project_id.in_(scope), _counted(ev))
            .group_by(per.c.p, per.c.end, ev.c.project_id, ev.c.stage))


def entered_ids(scope, stage: str, start: date, end: date, converted_by: date | None = None):
    """The ids behind one `entered` figure (or, with `converted_by`, behind its conversion)."""
    e = entries(scope, [(start, end)]).subquery("entries")
    stmt = select(e.c.project_id).where(e.c.stage == stage)
    if converted_by is not None:
        stmt = stmt.where(_next_day(e, converted_by).is_not(None))
    return stmt


def _next_day(e, end):
    """The first day the project entered the stage after e.stage, on or after e.day, by `end` (a
    date or the period end column). The next stage is never 在谈, so this reads the advances alone
    (index-backed, once per cohort row)."""
    next_stage = case(NEXT_STAGE, value=e.c.stage)
    return (select(func.min(Transition.effective_date))
            .where(Transition.project_id == e.c.project_id, Transition.kind == TransitionKind.ADVANCE,
                   cast(Transition.to_stage, String(16)) == next_stage, Transition.effective_date >= e.c.day,
                   Transition.effective_date <= end)
            .correlate(e).scalar_subquery())


def band_of(column):
    whens = [(and_(*([column >= low] if low is not None else []), *([column < high] if high is not None else [])), code)
             for code, low, high in BANDS]
    return case(*whens)


DIMENSIONS = ("unit", "chain", "band")


def figure_rows(scope, periods: list[tuple[date, date]]) -> list:
    """One statement for every period, read from one entries CTE: the entered counts and investment
    per stage grouped by unit, by chain and by size band (kind "unit", "chain", "band"; p, stage,
    unit_id, chain_id, band, count, investment) — each grouping covers every entry, so each adds up to
    the whole — and the conversions ("conversion", p, stage, …, converted, …, median days).
    Grouping by each dimension alone, not by all three at once, returns a few hundred rows
    instead of ten thousand at 20,000 projects."""
    e = entries(scope, periods).cte("entries")
    band = band_of(Project.total_investment_wan)
    keys = {"unit": Project.unit_id, "chain": Project.chain_id, "band": band}
    blank = {"unit": cast(null(), Integer), "chain": cast(null(), Integer), "band": cast(null(), String)}
    grouped = [select(literal(dim).label("kind"), e.c.p, e.c.stage,
                      *[(keys[d] if d == dim else blank[d]).label(d) for d in DIMENSIONS],
                      func.count().label("n"), func.coalesce(func.sum(Project.total_investment_wan), 0).label("investment"),
                      cast(null(), Numeric).label("median"))
               .join(Project, Project.id == e.c.project_id).group_by(e.c.p, e.c.stage, keys[dim])
               for dim in DIMENSIONS]
    nxt = _next_day(e, e.c.end)
    pairs = (select(e.c.p, e.c.stage, days_between(nxt, e.c.day).label("days"))
             .where(e.c.stage.in_(list(NEXT_STAGE)), nxt.is_not(None)).subquery())
    q = quantiles(pairs, ["p", "stage"], "days").subquery()
    converted = select(literal("conversion"), q.c.p, q.c.stage, cast(null(), Integer), cast(null(), Integer),
                       cast(null(), String), q.c.n, cast(null(), Numeric), q.c.median)
    return db.session.execute(union_all(*grouped, converted)).all()


def state_as_of(days: list[date]):
    """(p, project_id, stage, status) of every project recorded by each of `days`, from its
    transitions up to that day (the latest by business date, then by id); a project with none is
    在谈, active. A project is recorded by a day when it has a transition by then or was entered by
    then (the day it entered 在谈 is the earlier of the two), so no events pass is needed."""
    per = union_all(*[select(literal(i, Integer).label("p"), literal(d, Date).label("day"))
                      for i, d in enumerate(days)]).subquery("days")
    ranked = (select(per.c.p, Transition.project_id, Transition.to_stage, Transition.to_status,
                     func.row_number().over(partition_by=(per.c.p, Transition.project_id),
                                            order_by=(Transition.effective_date.desc(), Transition.id.desc()))
                     .label("rn"))
              .join_from(Transition, per, Transition.effective_date <= per.c.day).subquery())
    last = (select(ranked.c.p, ranked.c.project_id, ranked.c.to_stage, ranked.c.to_status)
            .where(ranked.c.rn == 1).subquery())
    return (select(per.c.p, Project.id.label("project_id"),
                   func.coalesce(last.c.to_stage, Stage.TALKS.value).label("stage"),
                   func.coalesce(last.c.to_status, Status.ACTIVE.value).label("status"))
            .join_from(Project, per, true())
            .outerjoin(last, and_(last.c.project_id == Project.id, last.c.p == per.c.p))
            .where(or_(last.c.project_id.is_not(None), local_day(Project.created_at) <= per.c.day))
            .subquery("state"))


LIVE = (Status.ACTIVE.value, Status.ON_HOLD.value)


def current_ids(scope, stage: str, day: date):
    """The ids behind one `current` figure: at `stage`, active or on hold, as of `day`."""
    state = state_as_of([day])
    return select(state.c.project_id).where(state.c.stage == stage, state.c.project_id.in_(scope),
                                            state.c.status.in_(LIVE))


def current_rows(scope, days: list[date]) -> list:
    """(p, unit_id, stage, count) of the projects at each stage as of each of `days`, active or on
    hold: one statement for the funnel's `current`, last year's and the chart by unit."""
    state = state_as_of(days)
    stmt = (select(state.c.p, Project.unit_id, state.c.stage, func.count())
            .join(Project, Project.id == state.c.project_id)
            .where(state.c.project_id.in_(scope), state.c.status.in_(LIVE))
            .group_by(state.c.p, Project.unit_id, state.c.stage))
    return db.session.execute(stmt).all()


def stage_figures(scope, periods: list[tuple[date, date]]) -> list[tuple[list[dict], dict, list]]:
    """For each period: the funnel in pipeline order, the entered rows per dimension
    ({"unit"|"chain"|"band": [(stage, key, count, investment)]}) and the (unit_id, stage, count)
    rows behind `current`. Two statements, whatever the number of periods."""
    figures = figure_rows(scope, periods)
    current = current_rows(scope, [end for _start, end in periods])
    column = {"unit": 3, "chain": 4, "band": 5}
    out = []
    for p in range(len(periods)):
        mine = [r for r in figures if r[1] == p]
        rows = {dim: [(r[2], r[column[dim]], r[6], r[7]) for r in mine if r[0] == dim] for dim in DIMENSIONS}
        conversion = {r[2]: (r[6], r[8]) for r in mine if r[0] == "conversion"}
        by_unit = [(unit_id, stage, n) for q, unit_id, stage, n in current if q == p]
        out.append((_stages(rows["unit"], conversion, by_unit), rows, by_unit))
    return out


def _stages(rows, conversion: dict, by_unit: list) -> list[dict]:
    entered, investment, current = defaultdict(int), defaultdict(Decimal), defaultdict(int)
    for stage, _key, count, amount in rows:
        entered[stage] += count
        investment[stage] += Decimal(amount)
    for _unit, stage, count in by_unit:
        current[stage] += count
    stages = []
    for stage in STAGES:
        n = entered[stage.value]
        converted, median = conversion.get(stage.value, (0, None))
        stages.append({
            "stage": stage.value, "entered": n, "entered_investment_wan": investment[stage.value],
            "current": current[stage.value],
            "converted": converted if stage.next() else None,
            "conversion": (round(converted / n, 4) if n else None) if stage.next() else None,
            "median_days_to_next": float(median) if median is not None else None,
        })
    return stages


def monthly_entries(scope, start: date, end: date, stages: tuple[str, ...]) -> list:
    """(stage, 'YYYY-MM', distinct projects) entering each of `stages` per month."""
    ev = events(start, end)
    month = year_month(ev.c.day)
    stmt = (select(ev.c.stage, month, func.count(func.distinct(ev.c.project_id)))
            .where(ev.c.stage.in_(stages), ev.c.day >= start, ev.c.day <= end, ev.c.project_id.in_(scope))
            .group_by(ev.c.stage, month))
    return db.session.execute(stmt).all()
