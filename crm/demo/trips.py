"""Demo trips (外出招商, DOMAIN §5): one in each state, filed, decided and reported through the
trips' own services on dates around today, so the list, the calendar, the figures and the home
pages' overdue reports have something to show for the demo accounts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from crm.audit.services import start_batch
from crm.auth.models import User
from crm.core.dates import local_today
from crm.domain import TripState
from crm.extensions import db
from crm.trips import report, services
from crm.trips.models import Trip

# (key, traveller usernames, approver, (start, end) in days from today, days ahead of the start a
#  past trip was filed (0: filed today), destination, what happens to it). The travellers' trips never overlap.
TRIPS = (
    ("shenzhen", ("staff_a",), "head_a", (-40, -37), 10, ("广东省", "深圳市"), TripState.REPORTED),
    ("suzhou", ("staff_a2",), "head_a", (-20, -18), 10, ("江苏省", "苏州市"), TripState.APPROVED),
    ("hangzhou", ("staff_b",), "head_sh", (-2, 1), 0, ("浙江省", "杭州市"), TripState.SUBMITTED),
    ("beijing", ("staff_b",), "head_sh", (5, 7), 0, ("北京市", "北京市"), TripState.APPROVED),
    ("nanjing", ("staff_a2",), "head_a", (10, 12), 0, ("江苏省", "南京市"), TripState.SUBMITTED),
    ("shanghai", ("staff_a",), "head_a", (20, 22), 0, ("上海市", "上海市"), TripState.DRAFT),
    ("hefei", ("staff_a",), "head_a", (30, 31), 0, ("安徽省", "合肥市"), TripState.REJECTED),
    ("wuhan", ("staff_a2",), "head_a", (40, 42), 0, ("湖北省", "武汉市"), TripState.CANCELLED),
)
TARGETS = {
    "shenzhen": [("深圳市鹏程储能科技有限公司", "储能电池包产线落地意向与用地需求"),
                 ("深圳市前湾精密模具有限公司", "汽车模具二期扩产选址"),
                 ("深圳市南岭新材料有限公司", "介绍新材料产业园配套政策")],
}
DEFAULT_TARGETS = [("{city}智能装备有限公司", "了解扩产计划，介绍园区政策"),
                   ("{city}汽车零部件集团", "洽谈区域配套基地")]


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _filing(key: str, travellers, start: date, end: date, place: tuple[str, str]) -> dict:
    province, city = place
    unit_id = _user(travellers[0]).unit_id
    rows = TARGETS.get(key) or [(name.format(city=city.removesuffix("市")), topic) for name, topic in DEFAULT_TARGETS]
    return {"traveller_ids": [_user(u).id for u in travellers], "unit_id": unit_id, "start_date": start,
            "end_date": end, "destination_province": province, "destination_city": city,
            "purpose": f"赴{city}拜访重点企业，推介示范市产业政策和载体资源", "budget_wan": "1.50",
            "targets": [{"company_name": name, "topic": topic, "contact": "投资部负责人"} for name, topic in rows]}


def _report(trip: Trip, reporter: User, today: date) -> None:
    first, second, third = trip.targets
    rows = [{"target_id": first.id, "visited": True, "outcome": "企业确认在示范市布局储能电池包产线，约定下月来访考察",
             "next_step": "邀请来访，对接用地"},
            {"target_id": second.id, "visited": True, "outcome": "二期扩产仍在比选，留下园区资料"},
            {"target_id": third.id, "visited": False, "outcome": "对方负责人出差，改为电话沟通"}]
    report.report_trip(reporter, trip, {"targets": rows, "expenses_wan": "1.28",
                                        "notes": "拜访 2 家，形成 1 条项目线索。"}, trip.version, today=today)
    start_batch()
    report.create_lead(reporter, first, {"industry_code": "38", "total_investment_wan": "60000",
                                         "fund_origin": "province_outside"})


def _one(key, travellers, approver, days, ahead, place, outcome, today: date) -> Trip:
    start, end = today + timedelta(days=days[0]), today + timedelta(days=days[1])
    filed_on = start - timedelta(days=ahead) if ahead else today  # past trips were filed before they left
    filer = _user(travellers[0])
    start_batch()
    trip = services.create_trip(filer, _filing(key, travellers, start, end, place), today=filed_on)
    if outcome == TripState.DRAFT:
        return trip
    start_batch()
    late_reason = "临时接到企业邀约，出发前未及报备" if filed_on >= start else None
    services.submit_trip(filer, trip, trip.version, late_reason=late_reason, today=filed_on)
    if outcome == TripState.SUBMITTED:
        return trip
    start_batch()
    if outcome == TripState.REJECTED:
        services.reject_trip(_user(approver), trip, trip.version, "拜访对象不够具体，请补充企业联系人和洽谈议题后再报")
        return trip
    services.approve_trip(_user(approver), trip, trip.version, "同意，注意收集企业投资意向")
    if outcome == TripState.CANCELLED:
        start_batch()
        services.cancel_trip(filer, trip, trip.version, "企业接待时间调整，行程取消", today=filed_on)
    elif outcome == TripState.REPORTED:
        start_batch()
        _report(trip, filer, end + timedelta(days=2))
    return trip


def load_trips(today: date | None = None) -> list[Trip]:
    today = today or local_today()
    return [_one(*row, today=today) for row in TRIPS]
