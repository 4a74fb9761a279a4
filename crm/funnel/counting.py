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

from datetime import date
from decimal import Decimal

from sqlalchemy import String, and_, case, cast, func, literal, not_, select, union_all

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


def events():
    """One row per stage entry: (project_id, stage, day)."""
    first = (select(Transition.project_id, func.min(Transition.effective_date).label("day"))
             .group_by(Transition.project_id).subquery())
    recorded = (select(Project.id.label("project_id"), cast(literal(Stage.TALKS.value), String(16)).label("stage"),
                       recorded_day(first.c.day).label("day"))
                .outerjoin(first, first.c.project_id == Project.id))
    advances = select(Transition.project_id.label("project_id"), cast(Transition.to_stage, String(16)).label("stage"),
                      Transition.effective_date.label("day")).where(Transition.kind == TransitionKind.ADVANCE)
    return union_all(recorded, advances).subquery("events")


def _counted(ev):
    """A capital increase is not a new lead (DOMAIN §2): not counted as entering 在谈."""
    return not_(and_(ev.c.stage == Stage.TALKS.value, Project.kind == ProjectKind.CAPITAL_INCREASE))


def entries(scope, start: date, end: date):
    """(project_id, stage, first day) of each project's first entry into each stage in the period."""
    ev = events()
    return (select(ev.c.project_id, ev.c.stage, func.min(ev.c.day).label("day"))
            .join(Project, Project.id == ev.c.project_id)
            .where(ev.c.day >= start, ev.c.day <= end, ev.c.project_id.in_(scope), _counted(ev))
            .group_by(ev.c.project_id, ev.c.stage).subquery("entries"))


def entered_ids(scope, stage: str, start: date, end: date, converted_by: date | None = None):
    """The ids behind one `entered` figure (or, with `converted_by`, behind its conversion)."""
    e = entries(scope, start, end)
    stmt = select(e.c.project_id).where(e.c.stage == stage)
    if converted_by is not None:
        stmt = stmt.where(_next_day(e, converted_by).is_not(None))
    return stmt


def _next_day(e, end: date):
    """The first day the project entered the stage after e.stage, on or after e.day, by `end`. The next
    stage is never 在谈, so this reads the advances alone (index-backed, once per cohort row)."""
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


def entered_rows(scope, start: date, end: date) -> list:
    """(stage, unit_id, chain_id, band, count, investment) — the smallest groups; every figure of
    the funnel and the rankings is a sum of these, so the parts always add up to the whole."""
    e = entries(scope, start, end)
    band = band_of(Project.total_investment_wan)
    stmt = (select(e.c.stage, Project.unit_id, Project.chain_id, band.label("band"), func.count(),
                   func.coalesce(func.sum(Project.total_investment_wan), 0))
            .join(Project, Project.id == e.c.project_id)
            .group_by(e.c.stage, Project.unit_id, Project.chain_id, band))
    return db.session.execute(stmt).all()


def conversion_rows(scope, start: date, end: date) -> dict:
    """stage -> (converted, median days to the next stage)."""
    e = entries(scope, start, end)
    nxt = _next_day(e, end)
    pairs = (select(e.c.stage, days_between(nxt, e.c.day).label("days"))
             .where(e.c.stage.in_(list(NEXT_STAGE)), nxt.is_not(None)).subquery())
    rows = db.session.execute(quantiles(pairs, ["stage"], "days")).all()
    return {r.stage: (r.n, r.median) for r in rows}


def state_as_of(day: date):
    """(project_id, stage, status) of every project recorded by `day`, from its transitions up to
    `day` (the latest by business date, then by id); a project with none is 在谈, active."""
    ranked = (select(Transition.project_id, Transition.to_stage, Transition.to_status,
                     func.row_number().over(partition_by=Transition.project_id,
                                            order_by=(Transition.effective_date.desc(), Transition.id.desc()))
                     .label("rn"))
              .where(Transition.effective_date <= day).subquery())
    last = select(ranked.c.project_id, ranked.c.to_stage, ranked.c.to_status).where(ranked.c.rn == 1).subquery()
    ev = events()
    recorded = select(ev.c.project_id).where(ev.c.stage == Stage.TALKS.value, ev.c.day <= day)
    return (select(Project.id.label("project_id"),
                   func.coalesce(last.c.to_stage, Stage.TALKS.value).label("stage"),
                   func.coalesce(last.c.to_status, Status.ACTIVE.value).label("status"))
            .outerjoin(last, last.c.project_id == Project.id)
            .where(Project.id.in_(recorded)).subquery("state"))


def current_ids(scope, stage: str, day: date):
    """The ids behind one `current` figure: at `stage`, active or on hold, as of `day`."""
    state = state_as_of(day)
    return select(state.c.project_id).where(state.c.stage == stage, state.c.project_id.in_(scope),
                                            state.c.status.in_([Status.ACTIVE.value, Status.ON_HOLD.value]))


def current_rows(scope, day: date) -> dict:
    state = state_as_of(day)
    stmt = (select(state.c.stage, func.count()).where(state.c.project_id.in_(scope),
                                                      state.c.status.in_([Status.ACTIVE.value, Status.ON_HOLD.value]))
            .group_by(state.c.stage))
    return dict(db.session.execute(stmt).all())


def stage_figures(scope, start: date, end: date) -> tuple[list[dict], list]:
    """The funnel of one period, in pipeline order, and the grouped entered rows behind it."""
    rows = entered_rows(scope, start, end)
    conversion, current = conversion_rows(scope, start, end), current_rows(scope, end)
    stages = []
    for stage in STAGES:
        mine = [r for r in rows if r[0] == stage.value]
        entered = sum(r[4] for r in mine)
        converted, median = conversion.get(stage.value, (0, None))
        stages.append({
            "stage": stage.value, "entered": entered,
            "entered_investment_wan": Decimal(sum((Decimal(r[5]) for r in mine), Decimal(0))),
            "current": current.get(stage.value, 0),
            "converted": converted if stage.next() else None,
            "conversion": (round(converted / entered, 4) if entered else None) if stage.next() else None,
            "median_days_to_next": float(median) if median is not None else None,
        })
    return stages, rows



def current_by_unit(scope, day: date) -> list:
    """(unit_id, stage, count) of the projects at each stage as of `day`, active or on hold."""
    state = state_as_of(day)
    stmt = (select(Project.unit_id, state.c.stage, func.count())
            .join(Project, Project.id == state.c.project_id)
            .where(state.c.project_id.in_(scope), state.c.status.in_([Status.ACTIVE.value, Status.ON_HOLD.value]))
            .group_by(Project.unit_id, state.c.stage))
    return db.session.execute(stmt).all()


def monthly_entries(scope, start: date, end: date, stages: tuple[str, ...]) -> list:
    """(stage, 'YYYY-MM', distinct projects) entering each of `stages` per month."""
    ev = events()
    month = year_month(ev.c.day)
    stmt = (select(ev.c.stage, month, func.count(func.distinct(ev.c.project_id)))
            .where(ev.c.stage.in_(stages), ev.c.day >= start, ev.c.day <= end, ev.c.project_id.in_(scope))
            .group_by(ev.c.stage, month))
    return db.session.execute(stmt).all()
