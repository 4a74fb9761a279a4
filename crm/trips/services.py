"""Trip rules (外出招商报备, DOMAIN §5): filing and editing a draft, submitting, approving or
returning it, cancelling. The report and the leads it creates are in `crm.trips.report`.

Services check permissions and input, change objects and flush; the request or command commits.
Refusals: ValidationFailed (422, the field named), PermissionDenied (403), Conflict (409: a stale
version or a move already made).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth.models import User
from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.models import utcnow
from crm.core.permissions import Action, Duty, can, may_approve_trip, may_hold
from crm.core.services import check_version
from crm.domain import TripState
from crm.extensions import db
from crm.projects.identity import clean_uscc
from crm.projects.models import Project
from crm.trips import regions
from crm.trips.models import Trip, TripTarget, TripTraveller
from crm.trips.workdays import report_due_date
from crm.units.models import Unit

FIELDS = ("traveller_ids", "unit_id", "start_date", "end_date", "destination_province", "destination_city",
          "purpose", "budget_wan", "late_reason", "targets")
TARGET_FIELDS = ("company_name", "uscc", "contact", "topic", "project_id")
MAX_TRAVELLERS = 20
MAX_TARGETS = 30
MAX_DAYS = 60  # a longer stay is a posting (驻外), not a trip
PLAN_AHEAD_DAYS = 366  # a trip more than a year ahead is a typing error
LATE_FILING_DAYS = 366  # and one more than a year ago is not a late filing but a fiction
MAX_BUDGET_WAN = p.Decimal(10_000)


def _refuse(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


# --- reading and who may do what ------------------------------------------------------------------

def travellers_of(trip: Trip) -> list[User]:
    return [t.user for t in trip.travellers]


def may_read(user, trip: Trip) -> bool:
    return can(user, Action.READ, trip.unit_id) or (user is not None and getattr(user, "id", None) in trip.traveller_ids)


def may_write(user, trip: Trip) -> bool:
    """The unit's people (and leaders) file, edit, submit, cancel and report; so does any traveller."""
    return can(user, Action.WRITE, trip.unit_id) or (
        user is not None and user.is_authenticated and user.is_active and user.id in trip.traveller_ids)


def may_decide(user, trip: Trip) -> bool:
    return trip.state == TripState.SUBMITTED and may_approve_trip(user, trip.unit_id, travellers_of(trip))


def _require_write(actor, trip: Trip) -> None:
    if not may_write(actor, trip):
        raise PermissionDenied(_("您没有权限修改这次外出招商报备。"))


# --- the filing's fields ----------------------------------------------------------------------------

def _id_list(value, field: str, label: str) -> list[int]:
    if p.blank(value):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        _refuse(field, _("%(label)s应为编号列表。", label=label))
    ids = [p.ref_id(v, field, label=label, required=True) for v in value]
    return list(dict.fromkeys(ids))  # the same person twice is one traveller


def _travellers(e: p.FieldErrors, raw, unit_id: int | None, actor) -> list[User]:
    ids = e.run("traveller_ids", _id_list, raw, "traveller_ids", _("出行人员")) or []
    if not ids:
        e.add("traveller_ids", _("请至少选择一名出行人员。"))
        return []
    if len(ids) > MAX_TRAVELLERS:
        e.add("traveller_ids", _("出行人员最多 %(n)s 人。", n=MAX_TRAVELLERS))
        return []
    users = [db.session.get(User, i) for i in ids]
    if any(u is None or u.archived_at is not None or not may_hold(u, Duty.TRAVELLER) for u in users):
        e.add("traveller_ids", _("出行人员不存在、已停用，或其角色不外出招商。"))
        return []
    led = may_hold(actor, Duty.CROSS_UNIT_TRIP) or any(may_hold(u, Duty.CROSS_UNIT_TRIP) for u in users)
    outsiders = [u.name for u in users if u.unit_id != unit_id and not may_hold(u, Duty.CROSS_UNIT_TRIP)]
    if unit_id is not None and outsiders and not led:
        e.add("traveller_ids", _("%(names)s不属于出行单位；跨单位联合出行须由领导带队或填报。",
                                 names="、".join(outsiders)))
    return users


def _target(e: p.FieldErrors, i: int, row, unit_id: int | None) -> dict | None:
    field = f"targets[{i}]"
    if not isinstance(row, dict):
        e.add(field, _("拜访对象格式不正确。"))
        return None
    c = {
        "company_name": e.run(field, p.text, row.get("company_name"), field, max_length=200, required=True,
                              label=_("企业名称")),
        "contact": e.run(field, p.text, row.get("contact"), field, max_length=200, label=_("联系人")),
        "topic": e.run(field, p.text, row.get("topic"), field, max_length=500, required=True, label=_("洽谈内容")),
        "project_id": e.run(field, p.ref_id, row.get("project_id"), field, label=_("关联项目")),
        "id": row.get("id"),
    }
    try:
        c["uscc"] = clean_uscc(row.get("uscc"))
    except ValueError as err:
        e.add(field, _(str(err)))
    if c["project_id"]:
        project = db.session.get(Project, c["project_id"])
        if project is None or project.archived_at is not None or project.unit_id != unit_id:
            e.add(field, _("关联项目须为出行单位在册的项目。"))
    return c


def _targets(e: p.FieldErrors, raw, unit_id: int | None) -> list[dict]:
    if p.blank(raw):
        return []
    if not isinstance(raw, list):
        e.add("targets", _("拜访对象应为列表。"))
        return []
    if len(raw) > MAX_TARGETS:
        e.add("targets", _("拜访对象最多 %(n)s 个。", n=MAX_TARGETS))
        return []
    cleaned = [_target(e, i, row, unit_id) for i, row in enumerate(raw)]
    return [c for c in cleaned if c is not None]


def _dates(e: p.FieldErrors, data: dict, today: date) -> tuple[date | None, date | None]:
    start = e.run("start_date", p.a_date, data.get("start_date"), "start_date", label=_("出发日期"), required=True,
                  not_after=today + timedelta(days=PLAN_AHEAD_DAYS),
                  not_before=today - timedelta(days=LATE_FILING_DAYS))
    end = e.run("end_date", p.a_date, data.get("end_date"), "end_date", label=_("返回日期"), required=True)
    if start and end:
        if end < start:
            e.add("end_date", _("返回日期不能早于出发日期。"))
        elif (end - start).days + 1 > MAX_DAYS:
            e.add("end_date", _("一次外出最长 %(n)s 天；更长的驻外工作不按外出招商报备。", n=MAX_DAYS))
    return start, end


def _unit(e: p.FieldErrors, actor, raw) -> int | None:
    unit_id = e.run("unit_id", p.ref_id, raw, "unit_id", label=_("出行单位"), required=True)
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.is_archived:
        e.add("unit_id", _("出行单位不存在或已归档。"))
    elif not can(actor, Action.WRITE, unit_id):
        e.add("unit_id", _("您只能为本单位报备外出招商。"))
    return unit_id


def clean_trip_data(actor, data: dict, today: date) -> dict:
    """Every field of a filing checked at once; ValidationFailed lists all problems by field."""
    e = p.FieldErrors()
    unit_id = _unit(e, actor, data.get("unit_id"))
    start, end = _dates(e, data, today)
    province = e.run("destination_province", p.text, data.get("destination_province"), "destination_province",
                     max_length=20, required=True, label=_("目的地省份"))
    city = e.run("destination_city", p.text, data.get("destination_city"), "destination_city", max_length=30,
                 required=True, label=_("目的地城市"))
    if province and province not in regions.PREFECTURES:
        e.add("destination_province", _("目的地省份不在全国省级行政区划名单中。"))
    elif province and city and not regions.is_destination(province, city):
        e.add("destination_city", _("%(city)s不是%(province)s的地级行政区。", city=city, province=province))
    c = {
        "unit_id": unit_id, "start_date": start, "end_date": end,
        "destination_province": province, "destination_city": city,
        "purpose": e.run("purpose", p.text, data.get("purpose"), "purpose", max_length=2000, multiline=True,
                         required=True, label=_("出行事由")),
        "budget_wan": e.run("budget_wan", p.decimal, data.get("budget_wan"), "budget_wan", label=_("预算"),
                            maximum=MAX_BUDGET_WAN),
        "late_reason": e.run("late_reason", p.text, data.get("late_reason"), "late_reason", max_length=500,
                             label=_("补报原因")),
        "travellers": _travellers(e, data.get("traveller_ids"), unit_id, actor),
        "targets": _targets(e, data.get("targets"), unit_id),
    }
    e.raise_if_any()
    return c


def _apply(trip: Trip, c: dict) -> None:
    for key in ("unit_id", "start_date", "end_date", "destination_province", "destination_city", "purpose",
                "budget_wan", "late_reason"):
        setattr(trip, key, c[key])
    wanted = [u.id for u in c["travellers"]]
    trip.travellers = [t for t in trip.travellers if t.user_id in wanted]
    known = {t.user_id for t in trip.travellers}
    trip.travellers.extend(TripTraveller(user=u) for u in c["travellers"] if u.id not in known)
    trip.traveller_names = "、".join(u.name for u in c["travellers"])[:500]
    trip.report_due_date = report_due_date(c["end_date"])  # shown from the filing on
    by_id = {t.id: t for t in trip.targets}
    kept = []
    for row in c["targets"]:
        target = by_id.get(p.whole_number(row["id"])) or TripTarget()  # an id keeps the row (and its history)
        for key in TARGET_FIELDS:
            setattr(target, key, row[key])
        kept.append(target)
    trip.targets = kept


def create_trip(actor, data: dict, *, today: date | None = None) -> Trip:
    """A draft: saved and edited freely until submitted."""
    c = clean_trip_data(actor, data, today or local_today())
    trip = Trip(state=TripState.DRAFT, late=False, report_late=False, created_by_id=actor.id)
    _apply(trip, c)
    db.session.add(trip)
    db.session.flush()
    return trip


def trip_values(trip: Trip) -> dict:
    """A trip's fields in the shape `clean_trip_data` reads, for merging a partial change."""
    return {
        "traveller_ids": trip.traveller_ids, "unit_id": trip.unit_id, "start_date": trip.start_date,
        "end_date": trip.end_date, "destination_province": trip.destination_province,
        "destination_city": trip.destination_city, "purpose": trip.purpose, "budget_wan": trip.budget_wan,
        "late_reason": trip.late_reason,
        "targets": [{"id": t.id, **{k: getattr(t, k) for k in TARGET_FIELDS}} for t in trip.targets],
    }


def update_trip(actor, trip: Trip, data: dict, version, *, today: date | None = None) -> Trip:
    """Change a draft or a returned trip; keys absent from `data` keep their value."""
    _require_write(actor, trip)
    check_version(trip, version)
    if not TripState(trip.state).editable:
        raise Conflict(_("只有草稿或已退回的报备可以修改（当前状态：%(state)s）。", state=TripState(trip.state).title))
    merged = trip_values(trip) | {k: data[k] for k in FIELDS if k in data}
    _apply(trip, clean_trip_data(actor, merged, today or local_today()))
    trip.updated_at = utcnow()  # a change of travellers or targets alone is a change of the trip
    db.session.flush()
    return trip


# --- moves -------------------------------------------------------------------------------------------

def overlapping_trips(trip: Trip) -> list[tuple[User, Trip]]:
    """Other submitted, approved or reported trips of the same travellers on overlapping days."""
    ids = trip.traveller_ids
    stmt = (select(TripTraveller, Trip).join(Trip, Trip.id == TripTraveller.trip_id)
            .where(TripTraveller.user_id.in_(ids), Trip.id != trip.id, Trip.state.in_(TripState.occupying()),
                   Trip.start_date <= trip.end_date, Trip.end_date >= trip.start_date)
            .order_by(Trip.start_date))
    return [(row.user, other) for row, other in db.session.execute(stmt).all()]


def _refuse_overlap(trip: Trip) -> None:
    clashes = overlapping_trips(trip)
    if clashes:
        user, other = clashes[0]
        raise Conflict(_("%(name)s在 %(start)s 至 %(end)s 已有外出招商报备（%(place)s），行程不能重叠。",
                         name=user.name, start=other.start_date.isoformat(), end=other.end_date.isoformat(),
                         place=other.destination_city), {"traveller_ids": [_("行程重叠。")]})


def submit_trip(actor, trip: Trip, version, *, late_reason=None, today: date | None = None) -> Trip:
    """File the trip for approval. On or after the departure date it is a late filing (补报): a
    reason is required and the trip is flagged."""
    today = today or local_today()
    _require_write(actor, trip)
    check_version(trip, version)
    if not TripState(trip.state).editable:
        raise Conflict(_("该报备已提交（当前状态：%(state)s）。", state=TripState(trip.state).title))
    if not trip.targets:
        _refuse("targets", _("请至少填写一个拜访对象：没有目标的外出不能报备。"))
    reason = p.text(late_reason, "late_reason", max_length=500, label=_("补报原因")) or trip.late_reason
    late = today >= trip.start_date
    if late and not reason:
        _refuse("late_reason", _("出发当天或之后提交属于补报，请填写补报原因。"))
    _refuse_overlap(trip)
    trip.late, trip.late_reason = late, reason if late else None
    trip.report_due_date = report_due_date(trip.end_date)
    trip.state, trip.submitted_at = TripState.SUBMITTED, utcnow()
    trip.decided_by_id = trip.decided_at = trip.decision_comment = None
    db.session.flush()
    return trip


def _decide(actor, trip: Trip, version, comment) -> str | None:
    check_version(trip, version)
    if trip.state != TripState.SUBMITTED:
        raise Conflict(_("该报备不在待审批状态（当前状态：%(state)s）。", state=TripState(trip.state).title))
    if actor is not None and actor.id in trip.traveller_ids:
        raise PermissionDenied(_("不能审批自己参加的外出招商。"))
    if not may_approve_trip(actor, trip.unit_id, travellers_of(trip)):
        raise PermissionDenied(_("本单位负责人审批本单位工作人员的外出；单位负责人和领导的外出由领导审批。"))
    return p.text(comment, "comment", max_length=500, multiline=True, label=_("审批意见"))


def approve_trip(actor, trip: Trip, version, comment=None) -> Trip:
    comment = _decide(actor, trip, version, comment)
    _refuse_overlap(trip)
    trip.state, trip.decided_by_id, trip.decided_at, trip.decision_comment = (
        TripState.APPROVED, actor.id, utcnow(), comment)
    db.session.flush()
    return trip


def reject_trip(actor, trip: Trip, version, comment=None) -> Trip:
    """Return the trip to its filer with a reason; they may revise and submit again."""
    comment = _decide(actor, trip, version, comment)
    if not comment:
        _refuse("comment", _("退回时请填写审批意见，说明需要修改什么。"))
    trip.state, trip.decided_by_id, trip.decided_at, trip.decision_comment = (
        TripState.REJECTED, actor.id, utcnow(), comment)
    db.session.flush()
    return trip


def cancel_trip(actor, trip: Trip, version, reason=None, *, today: date | None = None) -> Trip:
    """Call a trip off. An approved trip only before it starts; it stays in the record, cancelled."""
    today = today or local_today()
    _require_write(actor, trip)
    check_version(trip, version)
    if trip.state in (TripState.CANCELLED, TripState.REPORTED):
        raise Conflict(_("该报备已%(state)s，不能取消。", state=TripState(trip.state).title))
    if trip.state == TripState.APPROVED and today >= trip.start_date:
        raise Conflict(_("行程已经开始，不能取消；请在返回后提交外出报告。"))
    reason = p.text(reason, "reason", max_length=500, label=_("取消原因"))
    if not reason:
        _refuse("reason", _("请填写取消原因。"))
    trip.state, trip.cancel_reason = TripState.CANCELLED, reason
    db.session.flush()
    return trip
