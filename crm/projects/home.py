"""Figures for the home page: the user's projects by stage, with amounts, and this year against the
same period of last year. Two grouped queries, whatever the number of projects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func

from crm.core.dates import local_today, start_of_local_day
from crm.domain import Stage, Status
from crm.extensions import db
from crm.projects.models import Project
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


def stage_counts(actor) -> dict[str, StageFigure]:
    """Active and on-hold projects the user can see, per stage: how many and their total investment."""
    stmt = (visible_projects(actor).where(Project.status != Status.DROPPED)
            .with_only_columns(Project.stage, func.count(), func.coalesce(func.sum(Project.total_investment_wan), 0))
            .group_by(Project.stage))
    rows = {stage: (n, total) for stage, n, total in db.session.execute(stmt).all()}
    return {stage.value: StageFigure(*rows.get(stage, (0, Decimal(0)))) for stage in Stage}


def _same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year_figures(actor, today: date | None = None) -> YearFigures:
    """Entered this year (to today) against last year's same period, in one query."""
    today = today or local_today()
    this_start, this_end = start_of_local_day(today.replace(month=1, day=1)), start_of_local_day(today + timedelta(1))
    last_start = start_of_local_day(today.replace(year=today.year - 1, month=1, day=1))
    last_end = start_of_local_day(_same_day_last_year(today) + timedelta(1))
    this = and_(Project.created_at >= this_start, Project.created_at < this_end)
    last = and_(Project.created_at >= last_start, Project.created_at < last_end)
    amount = Project.total_investment_wan

    def total(when):
        return func.coalesce(func.sum(case((when, amount), else_=0)), 0)

    def count(when):
        return func.coalesce(func.sum(case((when, 1), else_=0)), 0)

    stmt = (visible_projects(actor).where(Project.status != Status.DROPPED, Project.created_at >= last_start)
            .with_only_columns(count(this), total(this), count(last), total(last)))
    n, wan, last_n, last_wan = db.session.execute(stmt).one()
    return YearFigures(int(n), Decimal(wan), int(last_n), Decimal(last_wan), today.year)
