"""Trips on the web: filing form, trip page and its moves, report form, lead, list filters,
calendar, leaders' figures and their Excel, overdue reports on the home page."""

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.core.dates import local_today
from crm.domain import Source, TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.trips import services
from crm.trips.models import Trip


def _form(world, **overrides) -> dict:
    today = local_today()
    data = {"unit_id": str(world.unit_a.id), "traveller_ids": [str(world.staff_a.id)],
            "start_date": (today + timedelta(days=7)).isoformat(), "end_date": (today + timedelta(days=9)).isoformat(),
            "destination": "浙江省|宁波市", "purpose": "走访宁波汽车零部件企业", "budget_wan": "0.6",
            "target_rows": "3", "targets-0-company_name": "宁波示范模具有限公司", "targets-0-topic": "设立华北工厂",
            "targets-0-contact": "陈总"}
    return data | overrides


def _trip() -> Trip:
    return db.session.scalars(select(Trip).order_by(Trip.id.desc())).first()


def _post_move(auth, trip, move, **data):
    return auth.post_form(f"/trips/{trip.id}/{move}", {"version": str(trip.version), **data},
                          form_page=f"/trips/{trip.id}")


def test_file_submit_approve_report_and_lead_on_the_web(world, auth, client):
    auth.login("staff_a")
    page = client.get("/trips/new")
    assert page.status_code == 200 and "宁波市" in page.text
    response = auth.post_form("/trips/new", _form(world))
    assert response.status_code == 302
    trip = _trip()
    assert trip.state == TripState.DRAFT and trip.destination_city == "宁波市" and len(trip.targets) == 1
    detail = client.get(f"/trips/{trip.id}")
    assert trip.report_due_date.isoformat() in detail.text and "宁波示范模具有限公司" in detail.text
    _post_move(auth, trip, "submit")
    db.session.refresh(trip)
    assert trip.state == TripState.SUBMITTED
    auth.logout()
    auth.login("head_a")
    _post_move(auth, trip, "approve", comment="同意")
    db.session.refresh(trip)
    assert trip.state == TripState.APPROVED
    trip.start_date, trip.end_date = local_today() - timedelta(days=2), local_today()  # they went and came back
    db.session.commit()
    auth.logout()
    auth.login("staff_a")
    target = trip.targets[0]
    report = auth.post_form(f"/trips/{trip.id}/report", {
        "version": str(trip.version), f"visited-{target.id}": "1", f"outcome-{target.id}": "对方同意来考察",
        "next_step-" + str(target.id): "邀请来访", "expenses_wan": "0.55"})
    assert report.status_code == 302
    db.session.refresh(trip)
    assert trip.state == TripState.REPORTED and trip.expenses_wan is not None
    lead_page = client.get(f"/trips/{trip.id}/targets/{target.id}/lead")
    assert "宁波示范模具有限公司" in lead_page.text
    created = auth.post_form(f"/trips/{trip.id}/targets/{target.id}/lead", {
        "name": "宁波示范模具华北工厂项目", "industry_code": "35", "total_investment_wan": "12000",
        "fund_origin": "province_outside", "owner_id": str(world.staff_a.id)})
    assert created.status_code == 302 and "/projects/" in created.headers["Location"]
    project = db.session.scalars(select(Project)).one()
    assert project.source == Source.TRIP and project.investor_name == "宁波示范模具有限公司"
    db.session.refresh(target)
    assert target.project_id == project.id


def test_bad_filing_is_explained_and_nothing_stored(world, auth):
    auth.login("staff_a")
    page = auth.post_form("/trips/new", _form(world, end_date=local_today().isoformat()))
    assert page.status_code == 200 and "返回日期不能早于出发日期" in page.text
    assert "走访宁波汽车零部件企业" in page.text  # what the user typed is kept
    assert db.session.scalar(select(func.count()).select_from(Trip)) == 0


def test_late_filing_is_flagged_in_the_list(world, auth, client):
    auth.login("staff_a")
    today = local_today()
    auth.post_form("/trips/new", _form(world, start_date=today.isoformat(),
                                       end_date=(today + timedelta(days=1)).isoformat()))
    trip = _trip()
    page = _post_move(auth, trip, "submit")
    assert page.status_code == 302
    assert _trip().state == TripState.DRAFT  # refused: no reason
    _post_move(auth, trip, "submit", late_reason="企业临时约见")
    db.session.refresh(trip)
    assert trip.late
    listed = client.get("/trips?late=1")
    assert "补报" in listed.text and f"/trips/{trip.id}" in listed.text
    assert f"/trips/{trip.id}" not in client.get("/trips?state=approved").text


def test_other_units_staff_cannot_see_a_trip(world, auth, client):
    trip = services.create_trip(world.staff_a, {**_api_like(world)})
    db.session.commit()
    auth.login("staff_b")
    assert client.get(f"/trips/{trip.id}").status_code == 404
    assert f"/trips/{trip.id}" not in client.get("/trips").text


def _api_like(world, days_ahead=7, **overrides) -> dict:
    today = local_today()
    return {"traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id,
            "start_date": today + timedelta(days=days_ahead), "end_date": today + timedelta(days=days_ahead + 1),
            "destination_province": "上海市", "destination_city": "上海市", "purpose": "拜访",
            "targets": [{"company_name": "上海示范生物医药有限公司", "topic": "研发中心落地"}]} | overrides


def _approved(world, **overrides) -> Trip:
    trip = services.create_trip(world.staff_a, _api_like(world, **overrides), today=local_today() - timedelta(days=60))
    services.submit_trip(world.staff_a, trip, trip.version, today=local_today() - timedelta(days=60))
    services.approve_trip(world.head_a, trip, trip.version)
    db.session.commit()
    return trip


def test_calendar_shows_who_is_out(world, auth, client):
    trip = _approved(world, days_ahead=1)
    auth.login("head_a")
    start = trip.start_date
    page = client.get(f"/trips/calendar?year={start.year}&month={start.month}")
    assert page.status_code == 200 and "李晓燕 · 上海市" in page.text


def test_overdue_report_on_the_heads_home_page_and_figures(world, auth, client):
    trip = _approved(world, days_ahead=-30)  # went a month ago, never reported
    auth.login("head_a")
    home = client.get("/")
    assert "逾期未报告的外出" in home.text and f"/trips/{trip.id}" in home.text
    assert f"/trips/{trip.id}" in client.get("/trips?overdue=1").text
    start = (trip.start_date - timedelta(days=1)).isoformat()
    figures = client.get(f"/trips/figures?from={start}&to={local_today().isoformat()}")
    assert figures.status_code == 200 and "先进制造产业招商组" in figures.text
    xlsx = client.get(f"/trips/figures.xlsx?from={start}&to={local_today().isoformat()}")
    book = load_workbook(BytesIO(xlsx.data))
    rows = list(book.worksheets[0].values)
    assert rows[2][:4] == ("先进制造产业招商组", 1, 2, 1)  # one trip, two days, one target
    auth.logout()
    auth.login("staff_a")
    assert "逾期未报告的外出" not in client.get("/").text
    assert client.get("/trips/figures").status_code == 403


def test_the_list_filters_by_person_within_a_chosen_unit_when_a_leader_sees_many(world, auth, client,
                                                                                  monkeypatch):
    """A leader of a province-wide bureau is not handed every officer's name in the filter: past
    FILTER_UNITS readable units, the people of a unit appear once the unit is chosen."""
    from crm.auth import people
    monkeypatch.setattr(people, "FILTER_UNITS", 1)
    auth.login("leader")
    page = client.get("/trips").text
    assert "选单位后可按人员筛选" in page
    assert world.staff_a.name not in page and world.leader.name in page
    page = client.get(f"/trips?unit_id={world.unit_a.id}").text
    assert "选单位后可按人员筛选" not in page
    assert world.staff_a.name in page and world.staff_b.name not in page
    page = client.get(f"/trips?traveller_id={world.staff_b.id}").text  # a chosen person stays shown
    assert f'value="{world.staff_b.id}" selected' in page


def test_a_unit_head_filters_by_the_people_of_the_unit(world, auth, client):
    auth.login("head_a")
    page = client.get("/trips").text
    assert "选单位后可按人员筛选" not in page
    assert world.staff_a.name in page and world.staff_b.name not in page
