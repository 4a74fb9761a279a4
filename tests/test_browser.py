"""The browser tier: Debian's Chromium driven by Playwright against the app over HTTP."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.extensions import db
from crm.units.models import Unit

pytestmark = pytest.mark.browser


def _login(page, live_server, username, password="Demo@2026"):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_demo_user_signs_in_and_sees_the_home_page_in_chinese(world, live_server, page):
    _login(page, live_server, "staff_a")
    expect(page.get_by_role("heading", name="您好，李晓燕")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("link", name="首页")).to_be_visible()
    expect(page.get_by_text("先进制造产业招商组")).to_be_visible()


def test_wrong_password_is_explained_in_the_browser(world, live_server, page):
    _login(page, live_server, "staff_a", "wrong-password1")
    expect(page.get_by_text("用户名或密码错误。")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/login")


def test_admin_creates_a_unit_through_the_ui(world, live_server, page):
    _login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/units/new")
    page.get_by_label("单位名称").fill("城西街道")
    page.get_by_label("单位类型").select_option("town")
    page.get_by_label("上级单位").select_option(label="示范市投资促进局")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("单位已创建。")).to_be_visible()
    expect(page.get_by_role("link", name="城西街道")).to_be_visible()
    db.session.expire_all()
    unit = db.session.scalar(select(Unit).where(Unit.name == "城西街道"))
    assert unit.kind == "town" and unit.parent_id == world.bureau.id
