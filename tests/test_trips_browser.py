"""A trip in the browser, on a desktop and on a 360 px phone: filed, approved, reported, and a
target turned into a project lead."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.core.dates import local_today
from crm.domain import Source, TripState
from crm.extensions import db
from crm.projects.models import Project
from crm.trips.models import Trip

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


def _login(page, live_server, username):
    # Leave the page first: a request still in flight (the due-date lookup) would set the session
    # cookie again after it was cleared, and the next sign-in would find the last user still in.
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="您好", exact=False)).to_be_visible()


def _fits(page) -> bool:
    """No sideways scrolling: the page is no wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_file_approve_report_and_create_a_lead(world, live_server, page, size):
    page.set_viewport_size(SIZES[size])
    today = local_today()
    _login(page, live_server, "staff_a")
    page.goto(f"{live_server}/trips/new")
    page.get_by_label("出发日期").fill((today + timedelta(days=5)).isoformat())
    page.get_by_label("返回日期").fill((today + timedelta(days=6)).isoformat())
    expect(page.locator("#due-date")).not_to_have_text("—")  # the due date shows as the date is chosen
    page.get_by_label("目的地", exact=True).select_option("浙江省|宁波市")
    page.get_by_label("出行事由").fill("走访宁波汽车零部件企业")
    page.locator('[name="targets-0-company_name"]').fill("宁波示范模具有限公司")
    page.locator('[name="targets-0-topic"]').fill("设立华北工厂")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。请核对后提交审批。")).to_be_visible()
    page.get_by_role("button", name="提交审批").click()
    expect(page.get_by_text("已提交审批。")).to_be_visible()
    trip = db.session.scalars(select(Trip)).one()
    trip_url = f"{live_server}/trips/{trip.id}"

    _login(page, live_server, "head_a")
    page.goto(trip_url)
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_text("已批准。")).to_be_visible()
    db.session.expire_all()
    trip = db.session.get(Trip, trip.id)
    trip.start_date, trip.end_date = today - timedelta(days=2), today  # they went and came back
    db.session.commit()

    _login(page, live_server, "staff_a")
    page.goto(trip_url)
    page.get_by_role("link", name="填写外出报告").click()
    target_id = trip.targets[0].id
    assert _fits(page), "the report form scrolls sideways"
    page.locator(f'label[for="visited-{target_id}-1"]').click()
    page.get_by_label("洽谈成果").fill("对方同意下月来考察")
    page.get_by_label("实际费用（万元）").fill("0.45")
    page.get_by_role("button", name="提交外出报告").click()
    expect(page.get_by_text("外出报告已提交。")).to_be_visible()

    page.get_by_role("link", name="转为项目").click()
    page.get_by_label("行业大类").select_option("35")
    page.get_by_label("总投资（万元）").fill("12000")
    page.get_by_role("button", name="转为项目线索").click()
    expect(page.get_by_text("已由拜访对象新建项目线索")).to_be_visible()
    db.session.expire_all()
    project = db.session.scalars(select(Project)).one()
    assert project.source == Source.TRIP and project.investor_name == "宁波示范模具有限公司"
    assert db.session.get(Trip, trip.id).state == TripState.REPORTED
    assert db.session.get(Trip, trip.id).targets[0].project_id == project.id


def test_phone_report_sends_a_photo(world, live_server, page, app, tmp_path, monkeypatch):
    """At 360 px an officer on the road reports the trip with a photo from the phone."""
    from crm.attachments.services import attachments_of
    from crm.trips import services
    from tests.test_attachments import JPEG

    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # the photo lands in a throwaway folder
    today = local_today()
    start, end = today - timedelta(days=3), today - timedelta(days=1)
    trip = services.create_trip(world.staff_a, {
        "traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id, "start_date": start, "end_date": end,
        "destination_province": "浙江省", "destination_city": "宁波市", "purpose": "走访宁波汽车零部件企业",
        "targets": [{"company_name": "宁波示范模具有限公司", "topic": "设立华北工厂"}]}, today=start - timedelta(days=5))
    services.submit_trip(world.staff_a, trip, trip.version, today=start - timedelta(days=5))
    services.approve_trip(world.head_a, trip, trip.version, "同意")
    db.session.commit()

    page.set_viewport_size(SIZES["phone"])
    _login(page, live_server, "staff_a")
    page.goto(f"{live_server}/trips/{trip.id}/report")
    page.locator(f'label[for="visited-{trip.targets[0].id}-1"]').click()
    page.get_by_label("洽谈成果").fill("对方同意下月来考察")
    page.get_by_label("实际费用（万元）").fill("0.45")
    page.get_by_label("现场照片、会谈纪要（可多选）").set_input_files(
        files=[{"name": "会谈现场.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    assert _fits(page), "the report form scrolls sideways"
    page.get_by_role("button", name="提交外出报告").click()
    expect(page.get_by_text("外出报告已提交。")).to_be_visible()
    expect(page.locator("#attachments").get_by_role("link", name="会谈现场.jpg")).to_be_visible()
    assert _fits(page), "the trip page with its documents scrolls sideways"
    db.session.expire_all()
    assert [(a.filename, a.category) for a in attachments_of("trips", trip.id)] == [("会谈现场.jpg", "photo")]
