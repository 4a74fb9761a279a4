"""Figures for the home page: the user's projects by stage, with amounts, and this year against the
same period of last year. One grouped query, whatever the number of projects (one pass over the
projects the user can see, instead of one for the stages and one for the years: issue 9)."""

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


def _same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def home_figures(actor, today: date | None = None) -> tuple[dict[str, StageFigure], YearFigures]:
    """Active and on-hold projects the user can see, per stage (how many, their total investment), and
    those entered this year (to today) against last year's same period: one query grouped by stage."""
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

    stmt = (visible_projects(actor).where(Project.status != Status.DROPPED)
            .with_only_columns(Project.stage, func.count(), func.coalesce(func.sum(amount), 0),
                               count(this), total(this), count(last), total(last))
            .group_by(Project.stage))
    rows = db.session.execute(stmt).all()
    by_stage = {row[0]: StageFigure(row[1], Decimal(row[2])) for row in rows}
    counts = {stage.value: by_stage.get(stage, StageFigure(0, Decimal(0))) for stage in Stage}
    year = YearFigures(sum(int(r[3]) for r in rows), sum((Decimal(r[4]) for r in rows), Decimal(0)),
                       sum(int(r[5]) for r in rows), sum((Decimal(r[6]) for r in rows), Decimal(0)), today.year)
    return counts, year
