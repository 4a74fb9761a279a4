"""The funnel in a real browser: a leader opens it from the menu on a phone-sized screen, reads the
charts, changes the period, and drills down into the ledger."""

import pytest
from playwright.sync_api import expect

from crm.core.dates import local_today
from crm.funnel.filters import preset
from tests.funnel_data import build

pytestmark = pytest.mark.browser


def test_a_leader_reads_the_funnel_on_a_phone_and_drills_down(world, live_server, page):
    build(world)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/funnel")
    page.get_by_role("link", name="本季度").click()
    expect(page.locator("#from")).to_have_value(preset("quarter", local_today())[0].isoformat())
    page.fill("#from", "2025-01-01")
    page.fill("#to", "2025-03-31")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="招商漏斗")).to_be_visible()
    chart = page.locator("#chart-funnel svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 390  # scales to the phone's width
    expect(page.locator("#slowest-step")).to_contain_text("过会→签约")
    page.locator('tr[data-stage="approved"] td a').first.click()
    expect(page.get_by_text("共 6 条")).to_be_visible()
