"""Leaders' figures on trips (DOMAIN §5: 耗时间、凑天数 is what this stops): per unit and per person
for a period, trips, person-days out, targets, visited, leads created and how far those leads got
(过会/签约/开工); and the trips that visited nobody or produced no lead. Also as an Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from crm.core.excel import safe_row
from crm.domain import Stage, TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.trips.models import Trip
from crm.trips.queries import visible_trips, with_people

COUNTED = (TripState.APPROVED, TripState.REPORTED)  # trips that happened (or are happening)
REACHED = (Stage.APPROVED, Stage.SIGNED, Stage.STARTED)


@dataclass
class Row:
    name: str
    trips: int = 0
    person_days: int = 0
    targets: int = 0
    visited: int = 0
    leads: int = 0
    reached: dict = field(default_factory=lambda: {s: 0 for s in REACHED})

    def add(self, trip: Trip, people: int, stages: list[Stage]) -> None:
        self.trips += 1
        self.person_days += trip.days * people
        self.targets += len(trip.targets)
        self.visited += sum(1 for t in trip.targets if t.visited)
        self.leads += len(stages)
        for reached in REACHED:
            self.reached[reached] += sum(1 for s in stages if s.index >= reached.index)


@dataclass
class Figures:
    date_from: date
    date_to: date
    units: list[Row]
    people: list[Row]
    total: Row
    idle: list[tuple[Trip, int, int]]  # trips with no visit or no lead: (trip, visited, leads)


def _lead_stages(trips: list[Trip]) -> dict[int, Stage]:
    """The current stage of every project created from these trips' targets (one query)."""
    ids = {t.project_id for trip in trips for t in trip.targets if t.lead_created and t.project_id}
    if not ids:
        return {}
    return {pid: Stage(stage) for pid, stage in db.session.execute(
        select(Project.id, Project.stage).where(Project.id.in_(ids), Project.archived_at.is_(None))).all()}


def trip_figures(user, date_from: date, date_to: date, unit_id: int | None = None,
                 unit_ids: set[int] | None = None) -> Figures:
    """Trips that started in the period and were approved (or reported), as `user` may see them;
    of one unit, or of several (`unit_ids`: a unit and the units under it, as the funnel filters)."""
    stmt = visible_trips(user).where(Trip.state.in_(COUNTED), Trip.start_date >= date_from,
                                     Trip.start_date <= date_to)
    if unit_id:
        stmt = stmt.where(Trip.unit_id == unit_id)
    if unit_ids is not None:
        stmt = stmt.where(Trip.unit_id.in_(unit_ids or {-1}))
    trips = list(db.session.scalars(with_people(stmt).order_by(Trip.start_date, Trip.id)))
    stages = _lead_stages(trips)
    units: dict[int, Row] = {}
    people: dict[int, Row] = {}
    total, idle = Row(_("合计")), []
    for trip in trips:
        lead_stages = [stages[t.project_id] for t in trip.targets if t.lead_created and t.project_id in stages]
        units.setdefault(trip.unit_id, Row(trip.unit.name)).add(trip, len(trip.travellers), lead_stages)
        total.add(trip, len(trip.travellers), lead_stages)
        for traveller in trip.travellers:
            people.setdefault(traveller.user_id, Row(traveller.user.name)).add(trip, 1, lead_stages)
        visited = sum(1 for t in trip.targets if t.visited)
        if trip.state == TripState.REPORTED and (visited == 0 or not lead_stages):
            idle.append((trip, visited, len(lead_stages)))
    by_days = sorted(people.values(), key=lambda r: (-r.person_days, r.name))
    return Figures(date_from, date_to, sorted(units.values(), key=lambda r: r.name), by_days, total, idle)


def headers() -> list[str]:
    return [_("名称"), _("外出次数"), _("外出人天"), _("拜访对象"), _("已拜访"), _("新建线索"),
            *(_("其中已%(stage)s", stage=s.title) for s in REACHED)]


def values(row: Row) -> list:
    return [row.name, row.trips, row.person_days, row.targets, row.visited, row.leads,
            *(row.reached[s] for s in REACHED)]


def figures_workbook(figures: Figures) -> BytesIO:
    book = Workbook()
    for sheet, title, rows in ((book.active, _("按单位"), [*figures.units, figures.total]),
                               (book.create_sheet(), _("按人员"), figures.people)):
        sheet.title = title
        sheet.append(safe_row([_("统计期间"), f"{figures.date_from} – {figures.date_to}"]))
        sheet.append(safe_row(headers()))
        for row in rows:
            sheet.append(safe_row(values(row)))
    sheet = book.create_sheet(_("无拜访或无线索"))
    sheet.append(safe_row([_("出发日期"), _("返回日期"), _("目的地"), _("出行人员"), _("单位"), _("已拜访"),
                           _("新建线索")]))
    for trip, visited, leads in figures.idle:
        sheet.append(safe_row([trip.start_date, trip.end_date, f"{trip.destination_province}{trip.destination_city}",
                               trip.traveller_names, trip.unit.name, visited, leads]))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
