"""Finding trips: the list and its filters, overdue reports, the month calendar of who is out."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from crm.auth.models import User
from crm.auth.people import filter_people
from crm.core import parsing as p
from crm.core.permissions import Action, Duty, can, roles_for, scope
from crm.domain import TripState
from crm.extensions import db
from crm.trips.models import Trip, TripTarget, TripTraveller
from crm.units.services import live_units


@dataclass
class TripFilters:
    unit_id: int | None = None
    traveller_id: int | None = None
    destination: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    state: str | None = None
    late: bool = False
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> TripFilters:
        """Filters from a query string; a bad value is a ValidationFailed naming it."""
        e = p.FieldErrors()
        found = cls(
            unit_id=e.run("unit_id", p.ref_id, args.get("unit_id"), "unit_id", label=_("单位")),
            traveller_id=e.run("traveller_id", p.ref_id, args.get("traveller_id"), "traveller_id",
                               label=_("出行人员")),
            destination=e.run("destination", p.text, args.get("destination"), "destination", max_length=30,
                              label=_("目的地")),
            date_from=e.run("from", p.a_date, args.get("from"), "from", label=_("开始日期")),
            date_to=e.run("to", p.a_date, args.get("to"), "to", label=_("结束日期")),
            state=e.run("state", p.choice, args.get("state"), "state", TripState.codes(), label=_("状态"),
                        required=False),
            late=bool(e.run("late", p.flag, args.get("late"), "late", label=_("补报"))),
            overdue=bool(e.run("overdue", p.flag, args.get("overdue"), "overdue", label=_("报告逾期"))),
        )
        e.raise_if_any()
        return found

    def as_args(self) -> dict:
        values = {"unit_id": self.unit_id, "traveller_id": self.traveller_id, "destination": self.destination,
                  "from": self.date_from, "to": self.date_to, "state": self.state,
                  "late": "1" if self.late else None, "overdue": "1" if self.overdue else None}
        return {k: v for k, v in values.items() if v not in (None, "")}


def visible_trips(user):
    """A select() of the trips `user` may read: their units' trips and the trips they travel on."""
    mine = select(TripTraveller.trip_id).where(TripTraveller.user_id == getattr(user, "id", None))
    scoped = scope(select(Trip.id), user, Trip.unit_id)
    return select(Trip).where(or_(Trip.id.in_(scoped), Trip.id.in_(mine)))


def visits_to_project(user, project_id: int, limit: int = 20) -> list[TripTarget]:
    """The targets linked to a project on trips that happened (approved or reported) and that `user`
    may read, newest trip first, each with its trip: one query (the project brief lists them)."""
    readable = visible_trips(user).with_only_columns(Trip.id)
    stmt = (select(TripTarget).join(Trip, Trip.id == TripTarget.trip_id)
            .where(TripTarget.project_id == project_id, Trip.state.in_((TripState.APPROVED, TripState.REPORTED)),
                   Trip.id.in_(readable))
            .options(contains_eager(TripTarget.trip)).order_by(Trip.start_date.desc(), TripTarget.id).limit(limit))
    return list(db.session.scalars(stmt).unique())


def with_people(stmt):
    return stmt.options(selectinload(Trip.unit), selectinload(Trip.travellers).selectinload(TripTraveller.user),
                        selectinload(Trip.targets))


def overdue_condition(today: date):
    return (Trip.state == TripState.APPROVED) & (Trip.report_due_date < today)


def trip_list(user, filters: TripFilters, today: date):
    stmt = visible_trips(user)
    if filters.unit_id:
        stmt = stmt.where(Trip.unit_id == filters.unit_id)
    if filters.traveller_id:
        stmt = stmt.where(Trip.id.in_(select(TripTraveller.trip_id)
                                      .where(TripTraveller.user_id == filters.traveller_id)))
    if filters.destination:
        like = f"%{filters.destination}%"
        stmt = stmt.where(or_(Trip.destination_province.like(like), Trip.destination_city.like(like)))
    if filters.date_from:
        stmt = stmt.where(Trip.end_date >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Trip.start_date <= filters.date_to)
    if filters.state:
        stmt = stmt.where(Trip.state == filters.state)
    if filters.late:
        stmt = stmt.where(Trip.late.is_(True))
    if filters.overdue:
        stmt = stmt.where(overdue_condition(today))
    return stmt.order_by(Trip.start_date.desc(), Trip.id.desc())


def is_overdue(trip: Trip, today: date) -> bool:
    return trip.state == TripState.APPROVED and trip.report_due_date is not None and trip.report_due_date < today


def overdue_reports(user, today: date, limit: int = 50) -> list[Trip]:
    """For the home page of unit heads and leaders: approved trips whose report is past due."""
    if not can(user, Action.APPROVE, getattr(user, "unit_id", None)):
        return []
    stmt = scope(select(Trip), user, Trip.unit_id).where(overdue_condition(today))
    return list(db.session.scalars(with_people(stmt).order_by(Trip.report_due_date, Trip.id).limit(limit)))


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    trips: list = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


def month_calendar_weeks(user, year: int, month: int, unit_id: int | None = None) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the trips that keep someone out that day:
    submitted, approved and reported ones (drafts, returned and cancelled trips keep nobody out)."""
    first, last = month_bounds(year, month)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    stmt = visible_trips(user).where(Trip.state.in_(TripState.occupying()), Trip.start_date <= grid_end,
                                     Trip.end_date >= grid_start)
    if unit_id:
        stmt = stmt.where(Trip.unit_id == unit_id)
    trips = list(db.session.scalars(with_people(stmt).order_by(Trip.start_date, Trip.id)))
    weeks, day = [], grid_start
    while day <= grid_end:
        week = []
        for _i in range(7):
            week.append(CalendarDay(day, day.month == month,
                                    [t for t in trips if t.start_date <= day <= t.end_date]))
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


def traveller_choices(actor) -> list[tuple[int, str]]:
    """Who may be picked as a traveller: the people of the units `actor` files for, and leaders."""
    from_units = [u.id for u in live_units() if can(actor, Action.WRITE, u.id)]
    stmt = (select(User).options(selectinload(User.unit))
            .where(User.active.is_(True), User.archived_at.is_(None), User.role.in_(roles_for(Duty.TRAVELLER)),
                   or_(User.unit_id.in_(from_units), User.role.in_(roles_for(Duty.CROSS_UNIT_TRIP))))
            .order_by(User.unit_id, User.id))
    return [(u.id, f"{u.name}（{u.unit.name if u.unit else ''}）") for u in db.session.scalars(stmt)]


def traveller_filter_choices(actor, unit_id: int | None, selected: int | None) -> tuple[list, bool]:
    """People the trip list can be filtered by (crm.auth.people): the chosen unit's travellers and the
    leaders, and whether a unit must be chosen first."""
    people, choose_unit = filter_people(actor, roles_for(Duty.TRAVELLER), unit_id, selected,
                                        any_unit_roles=roles_for(Duty.CROSS_UNIT_TRIP))
    return [(u.id, f"{u.name}（{u.unit.name if u.unit else ''}）") for u in people], choose_unit


def unit_choices(actor, *, write: bool) -> list[tuple[int, str]]:
    action = Action.WRITE if write else Action.READ
    return [(u.id, u.name) for u in live_units() if can(actor, action, u.id)]
