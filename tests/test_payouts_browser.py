"""The payout pages in Chromium at 360 px: nothing wider than the screen, the request and approval usable."""

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.payouts import services
from tests.test_payouts import investor, make_project, policy, producing, terms_of  # noqa: F401

pytestmark = pytest.mark.browser


def _login(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_request_and_ledger_at_360_px(world, producing, live_server, page):  # noqa: F811
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, live_server, "staff_a")
    page.goto(f"{live_server}/projects/{producing.id}/payouts/new")
    _fits(page)
    page.get_by_label("兑现类型").select_option("investor")
    page.get_by_label("奖扶条款（政策奖扶兑现）").select_option(str(terms_of(producing)["producing"].id))
    page.get_by_label("兑现期间/节点").fill("2026")
    page.get_by_label("金额（万元）").fill("120")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("兑现申请已提交。")).to_be_visible()
    _fits(page)
    page.goto(f"{live_server}/payouts")
    expect(page.locator("#totals")).to_contain_text("合计 1 条，金额 120.00 万元")
    _fits(page)
    page.goto(f"{live_server}/projects/{producing.id}")
    expect(page.locator("#payouts")).to_contain_text("380.00")


def test_leader_approves_at_360_px(world, producing, live_server, page):  # noqa: F811
    payout = services.request_payout(world.staff_a, producing, investor(producing, "producing", "100"))
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 740})
    _login(page, live_server, "leader")
    page.goto(f"{live_server}/payouts/{payout.id}")
    _fits(page)
    page.locator("#step-approve").get_by_role("button", name="审批通过").click()
    expect(page.get_by_text("已审批。")).to_be_visible()
    page.goto(f"{live_server}/payouts/waiting")
    _fits(page)
    expect(page.locator("#unpaid")).to_be_visible()
