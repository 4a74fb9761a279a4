"""The change history in a real browser, on a desktop and on a phone: readable, nothing cut off."""

import os

import pytest
from playwright.sync_api import expect

from tests.test_history_words import walked  # noqa: F401  (the fixture: a project through every move)

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HISTORY_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


@pytest.mark.parametrize("width", [1366, 360])
def test_the_history_reads_on_a_desktop_and_a_phone(walked, live_server, page, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("staff_a")
    page.get_by_label("密码").fill("Demo@2026")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/projects/{walked}/history")
    history = page.locator("ol.history")
    expect(history.get_by_text("记录过会：2026年第11次项目评审会，纪要 评审纪要〔2026〕11号")).to_be_visible()
    approval = history.locator("li.history-entry", has_text="记录过会")
    approval.locator("summary").click()
    expect(approval.get_by_text("会议纪要编号")).to_be_visible()
    actor = approval.locator(".history-actor")
    box = actor.bounding_box()
    assert box["height"] < 30  # the actor's name on one line, not one character per line
    overflow = history.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 1
    if SHOTS:
        approval.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, f"history-{width}.png"), full_page=False)
