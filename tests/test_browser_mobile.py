"""Issue 10: readable everywhere. At 360 px (a phone) the ledger, the project page, the home page
and a form neither scroll sideways nor squeeze text into slivers; at 1366 px the English navbar
fits on one line. Screenshots land in $SCREENSHOT_DIR (default: pytest's tmp dir) for a human look."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.pipeline import services as pipeline
from tests.factories import ProjectFactory, gate_data, signed_screening

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}
D0 = date.today() - timedelta(days=200)

# Visible cells with text narrower than this are "squeezed" (one or two characters per line).
SQUEEZED = """() => Array.from(document.querySelectorAll('td, th'))
  .filter(c => c.offsetParent !== null && c.innerText.trim() && c.getBoundingClientRect().width < 40)
  .map(c => c.innerText.trim().slice(0, 20))"""
WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture
def city(world):
    """A head's worth of projects: long names, a signed project overdue for groundbreaking."""
    for n in range(12):
        ProjectFactory(unit=world.unit_a, owner=world.staff_a, lead_leader=world.leader,
                       name=f"年产{n}万套新能源汽车高压线束及智能座舱总成配套产业化项目",
                       investor_name=f"示范{n}新能源汽车零部件（江苏）股份有限公司")
    late = ProjectFactory(unit=world.unit_a, owner=world.staff_a, name="逾期未开工的动力电池项目")
    signed_screening(late, world.leader)
    pipeline.apply_transition(world.staff_a, late, gate_data("approved", D0))
    pipeline.apply_transition(world.staff_a, late, gate_data("signed", D0))
    db.session.commit()
    return late


def _login(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()


def _shot(page, name, tmp_path):
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _readable(page, name, tmp_path):
    _shot(page, name, tmp_path)
    assert page.evaluate(WIDTH) <= PHONE["width"], f"{name}: the page scrolls sideways"
    assert page.evaluate(SQUEEZED) == [], f"{name}: text squeezed into a sliver"


def test_the_main_screens_read_on_a_phone(city, live_server, page, tmp_path):
    page.set_viewport_size(PHONE)
    _login(page, live_server, "head_a")
    expect(page.get_by_role("heading", name="您好，陈志强")).to_be_visible()
    expect(page.locator("#stalled")).to_contain_text("逾期未开工的动力电池项目")
    _readable(page, "home-zh", tmp_path)

    page.goto(f"{live_server}/projects?stage=talks")
    # The filters fold behind one button; the active one is a removable chip; sorting stays.
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator(".chip")).to_contain_text("阶段：在谈")
    expect(page.locator("#sort-select")).to_be_visible()
    expect(page.locator(".ledger-total")).to_contain_text("合计")
    _readable(page, "ledger-zh", tmp_path)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#filters")).to_be_visible()
    page.locator("#sort-select").select_option("name:asc")
    expect(page).to_have_url(re.compile(r"sort_by=name(%3A|:)asc"))
    expect(page.locator("#sort-select")).to_have_value("name:asc")

    page.goto(f"{live_server}/projects/{city.id}")
    # Key figures come first; the sections fold behind their titles.
    expect(page.get_by_text("关键指标")).to_be_visible()
    expect(page.get_by_role("button", name="阶段与审批手续")).to_be_visible()
    _readable(page, "project-zh", tmp_path)
    page.get_by_role("button", name="阶段与审批手续").click()
    expect(page.locator("#timeline")).to_be_visible()

    page.goto(f"{live_server}/screenings")
    expect(page.locator("#sort-select")).to_be_visible()
    _readable(page, "screenings-zh", tmp_path)

    page.goto(f"{live_server}/projects/new")
    expect(page.get_by_role("button", name="保存")).to_be_in_viewport()  # the sticky action bar
    _readable(page, "form-zh", tmp_path)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#form-errors")).to_contain_text("项目名称")  # all errors at once, at the top

    page.goto(f"{live_server}/lang/en?next=/projects")
    _readable(page, "ledger-en", tmp_path)
    page.goto(f"{live_server}/projects/{city.id}")
    _readable(page, "project-en", tmp_path)


def test_the_english_navbar_fits_one_line_at_1366(city, live_server, page, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 800})
    _login(page, live_server, "admin")
    for lang in ("en", "zh_CN"):
        page.goto(f"{live_server}/lang/{lang}?next=/")
        tops = page.evaluate("() => Array.from(document.querySelectorAll('.navbar .nav-link, .navbar-brand'))"
                             ".map(e => Math.round(e.getBoundingClientRect().top))")
        _shot(page, f"navbar-{lang}", tmp_path)
        assert len(set(tops)) == 1, f"{lang}: the navbar wraps"
        assert page.evaluate(WIDTH) <= 1366


def test_the_industry_list_filters_by_name(world, live_server, page):
    from crm.reference.services import seed_default_lists

    seed_default_lists()
    db.session.commit()
    _login(page, live_server, "staff_a")
    page.goto(f"{live_server}/projects/new")
    page.get_by_placeholder("输入行业名称或代码筛选").fill("汽车")
    options = page.locator("#industry_code option:not([hidden])")
    expect(options).to_have_count(2)  # the blank choice and 36 汽车制造业
    expect(options.nth(1)).to_contain_text("汽车制造业")
    expect(page.locator("#industry_code")).to_have_value("36")
