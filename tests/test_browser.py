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
    expect(page.get_by_text("用户名或密码错误。", exact=True)).to_be_visible()  # under the field (and in the summary)
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


def test_a_lead_walks_from_talks_to_groundbreaking_in_the_browser(world, live_server, page):
    from datetime import timedelta

    from crm.core.dates import local_today
    from crm.demo.policies import CITY
    from crm.projects.models import Project
    from crm.reference.services import seed_default_lists
    from crm.screening.policies import create_policy

    seed_default_lists()
    create_policy(world.admin, CITY)
    db.session.commit()
    d0 = local_today()  # the meeting follows today's sign-off; signing and groundbreaking the same day
    _login(page, live_server, "staff_a")
    page.get_by_role("link", name="项目台账").click()
    page.get_by_role("link", name="登记项目").click()
    page.get_by_label("项目名称").fill("年产20万套智能座舱总成项目")
    page.get_by_label("投资方名称").fill("示范智能座舱（苏州）有限公司")
    page.get_by_label("行业大类（GB/T 4754-2017）").select_option("36")
    page.get_by_label("总投资（万元）").fill("80000")
    page.get_by_label("固定资产投资（万元）").fill("60000")
    page.get_by_label("新增用地（亩）").fill("160")
    page.get_by_label("达产年税收（万元）").fill("4000")
    page.get_by_label("达产年产值（万元）").fill("150000")
    page.get_by_label("年综合能耗（吨标准煤，当量值）").fill("900")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("项目已登记。")).to_be_visible()
    expect(page.get_by_role("heading", name="年产20万套智能座舱总成项目")).to_be_visible()

    # Pre-review: the officer prepares the screening, a leader signs it off.
    db.session.expire_all()
    project = db.session.scalar(select(Project).where(Project.name == "年产20万套智能座舱总成项目"))
    page.get_by_role("link", name="新建预审").click()
    page.get_by_role("button", name="计算预审结果").click()
    expect(page.locator("#proposed")).to_have_text("通过")
    screening_url = page.url
    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    _login(page, live_server, "leader")
    page.goto(screening_url)
    page.get_by_role("button", name="签批").click()
    expect(page.get_by_text("请逐项核查负面清单（五不招）并确认后再签批。")).to_be_visible()
    for box in page.locator("input[name=checked]").all():
        box.check()
    page.get_by_label("审核意见").fill("符合准入标准，同意提交评审会")
    page.get_by_role("button", name="签批").click()
    expect(page.get_by_text("预审已签批。")).to_be_visible()
    expect(page.locator("#verdict")).to_have_text("通过")
    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    _login(page, live_server, "staff_a")
    page.goto(f"{live_server}/projects/{project.id}")

    page.get_by_role("link", name="记录过会").click()
    page.get_by_label("会议日期").fill(d0.isoformat())
    page.get_by_label("会议名称").fill("2026年第8次招商项目评审会")
    page.get_by_label("会议纪要编号").fill("示招审〔2026〕8号")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("h1 .badge")).to_have_text("过会")

    page.get_by_role("link", name="记录签约").click()
    page.get_by_label("签约日期", exact=True).fill(d0.isoformat())
    page.get_by_label("合同编号").fill("示招合〔2026〕088号")
    page.get_by_label("合同投资额（万元）").fill("80000")
    page.get_by_label("约定开工日期").fill((d0 + timedelta(days=40)).isoformat())
    page.get_by_label("约定投产日期").fill((d0 + timedelta(days=400)).isoformat())
    page.locator("#commitments-0-due_date").fill((d0 + timedelta(days=200)).isoformat())
    page.locator("#commitments-0-amount_wan").fill("30000")
    page.locator("#commitments-1-due_date").fill((d0 + timedelta(days=500)).isoformat())
    page.locator("#commitments-1-amount_wan").fill("40000")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("分期投资承诺合计 70000.00 万元，与合同投资额 80000.00 万元不一致")).to_be_visible()
    page.locator("#commitments-1-amount_wan").fill("50000")
    page.locator("#incentive_terms-0-kind").fill("设备投资补助")
    page.locator("#incentive_terms-0-cap_wan").fill("400")
    page.locator("#incentive_terms-0-condition_stage").select_option("started")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("h1 .badge")).to_have_text("签约")

    page.get_by_role("link", name="记录开工").click()
    page.get_by_label("开工日期", exact=True).fill(d0.isoformat())
    page.get_by_label("供地面积（亩）").fill("160")
    page.get_by_label("不动产权证号").fill("示范不动产权第0088123号")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("审批手续“施工许可”尚未办结")).to_be_visible()

    page.get_by_role("link", name="查看并登记审批手续").click()  # the gate's message links to the permits
    expect(page).to_have_url(f"{live_server}/projects/{project.id}#permits")
    permits = page.locator("#permits form:not([action$='/correct'])")  # done ones offer a correction instead
    while permits.count():
        permits.first.locator("input[name=done_date]").fill(d0.isoformat())
        permits.first.get_by_role("button", name="登记办结").click()
        expect(page.get_by_text("审批手续已登记办结。")).to_be_visible()
    page.get_by_role("link", name="记录开工").click()
    page.get_by_label("开工日期", exact=True).fill(d0.isoformat())
    page.get_by_label("供地面积（亩）").fill("160")
    page.get_by_label("不动产权证号").fill("示范不动产权第0088123号")
    page.get_by_role("button", name="确认").click()
    expect(page.locator("h1 .badge")).to_have_text("开工")
    expect(page.locator("#timeline")).to_contain_text("开工")
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage == "started"
