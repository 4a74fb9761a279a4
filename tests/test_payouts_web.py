"""The payout pages: ledger with totals and Excel, the request form, steps, the project panel, leaders' lists,
the reward policy screen."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from crm.core.dates import local_today
from crm.extensions import db
from crm.payouts import services
from crm.payouts.models import Payout, RewardPolicy
from tests.test_payouts import contributor, investor, make_project, policy, producing, terms_of  # noqa: F401


def _request(world, project, data) -> Payout:
    payout = services.request_payout(world.staff_a, project, data)
    db.session.commit()
    return payout


def test_request_form_creates_an_investor_payout(world, producing, auth):  # noqa: F811
    auth.login("staff_a")
    url = f"/projects/{producing.id}/payouts/new"
    page = auth.client.get(url)
    assert page.status_code == 200 and "设备补助" in page.text
    response = auth.post_form(url, {"kind": "investor", "term_id": str(terms_of(producing)["producing"].id),
                                    "period": "2026", "amount_wan": "600"})
    assert "金额超出可兑现余额" in response.text and db.session.query(Payout).count() == 0
    response = auth.post_form(url, {"kind": "investor", "term_id": str(terms_of(producing)["producing"].id),
                                    "period": "2026", "amount_wan": "100"})
    assert response.status_code == 302
    assert db.session.scalar(select(Payout)).amount_wan == 100


def test_request_form_credits_officers_and_units(world, producing, auth):  # noqa: F811
    auth.login("head_a")
    url = f"/projects/{producing.id}/payouts/new"
    response = auth.post_form(url, {"kind": "contributor", "period": "开工奖励", "amount_wan": "20",
                                    "recipient-0": f"u{world.staff_a.id}", "share-0": "70",
                                    "recipient-1": f"d{world.unit_a.id}", "share-1": "30"})
    assert response.status_code == 302, response.text[:3000]
    payout = db.session.scalar(select(Payout))
    assert [(r.user_id, r.unit_id) for r in payout.recipients] == [(world.staff_a.id, None), (None, world.unit_a.id)]


def test_leader_approves_and_pays_on_the_payout_page(world, producing, auth):  # noqa: F811
    payout = _request(world, producing, investor(producing, "producing", "100"))
    auth.login("leader")
    url = f"/payouts/{payout.id}"
    page = auth.client.get(url)
    assert "审批通过" in page.text and "变更记录" in page.text
    auth.post_form(f"{url}/approve", {"comment": "同意", "version": "1"}, form_page=url)
    auth.post_form(f"{url}/pay", {"paid_date": local_today().isoformat(), "voucher_no": "PZ-9", "version": "2"},
                   form_page=url)
    db.session.refresh(payout)
    assert (payout.state, payout.voucher_no) == ("paid", "PZ-9")
    page = auth.client.get(url)
    assert "冲销" in page.text and "已支付" in page.text


def test_staff_sees_no_approval_and_a_refusal_is_explained(world, producing, auth):  # noqa: F811
    payout = _request(world, producing, investor(producing, "producing", "100"))
    auth.login("leader")
    url = f"/payouts/{payout.id}"
    response = auth.post_form(f"{url}/pay", {"paid_date": local_today().isoformat(), "voucher_no": "PZ-1",
                                             "version": "1"}, form_page=url)
    assert response.status_code == 302
    assert "尚未审批" in auth.client.get(url).text
    auth.logout()
    auth.login("staff_a")
    assert "审批通过" not in auth.client.get(url).text


def test_ledger_totals_equal_the_filtered_rows_and_the_export(world, producing, auth):  # noqa: F811
    _request(world, producing, investor(producing, "producing", "100.10", period="2026"))
    _request(world, producing, investor(producing, "producing", "50.20", period="2027"))
    _request(world, producing, contributor(world))
    auth.login("leader")
    page = auth.client.get("/payouts")
    assert "合计 3 条，金额 170.30 万元" in page.text
    page = auth.client.get("/payouts?kind=investor")
    assert "合计 2 条，金额 150.30 万元" in page.text
    page = auth.client.get("/payouts?state=bogus")
    assert page.status_code == 200 and "合计 3 条" in page.text
    book = load_workbook(BytesIO(auth.client.get("/payouts/export.xlsx?kind=investor").data))
    sheet = book.active
    assert sheet.max_row == 4 and "合计" in sheet.cell(row=4, column=1).value
    assert sheet["A1"].value == "编号"


def test_project_panel_shows_cap_paid_and_remaining(world, producing, auth):  # noqa: F811
    _request(world, producing, investor(producing, "producing", "100"))
    auth.login("staff_a")
    page = auth.client.get(f"/projects/{producing.id}")
    assert 'id="payouts"' in page.text and "申请兑现" in page.text and "400.00" in page.text


def test_leaders_see_what_waits(world, producing, auth):  # noqa: F811
    payout = _request(world, producing, investor(producing, "producing", "100"))
    services.approve_payout(world.leader, payout)
    db.session.commit()
    auth.login("leader")
    page = auth.client.get("/payouts/waiting")
    assert page.status_code == 200
    assert "签约奖励" in page.text and "招商奖励" in page.text  # eligible, not yet requested
    assert f"#{payout.id}" in page.text  # approved, not yet paid
    auth.logout()
    auth.login("staff_a")
    assert auth.client.get("/payouts/waiting").status_code == 403


def test_admin_saves_a_new_reward_policy_version(world, auth, policy):  # noqa: F811
    auth.login("admin")
    response = auth.post_form("/payouts/policies", {"name": "示范市招商奖励办法（2027）", "min-0": "0",
                                                    "rate-0": "0.05"})
    assert response.status_code == 302
    versions = db.session.scalars(select(RewardPolicy).order_by(RewardPolicy.version)).all()
    assert [(v.version, v.active) for v in versions] == [(1, False), (2, True)]
    response = auth.post_form("/payouts/policies", {"name": "错误", "min-0": "0", "rate-0": "1", "fixed-0": "2"})
    assert "不能都填" in response.text and db.session.query(RewardPolicy).count() == 2


def test_staff_see_their_own_units_payouts_only(world, producing, auth):  # noqa: F811
    _request(world, producing, investor(producing, "producing", "100"))
    auth.login("staff_a")
    assert "合计 1 条，金额 100.00 万元" in auth.client.get("/payouts").text
    auth.logout()
    auth.login("staff_b")
    page = auth.client.get("/payouts")
    assert page.status_code == 200 and "合计 0 条" in page.text


def test_the_recipient_filter_lists_a_chosen_units_officers_when_a_leader_sees_many(world, auth, monkeypatch):
    """Past FILTER_UNITS readable units the leader picks a unit first (2,000 names were 65 KB of the page)."""
    from crm.auth import people
    monkeypatch.setattr(people, "FILTER_UNITS", 1)
    auth.login("leader")
    page = auth.client.get("/payouts").text
    assert "选单位后可按人员筛选" in page and world.staff_a.name not in page
    page = auth.client.get(f"/payouts?unit_id={world.unit_a.id}").text
    assert world.staff_a.name in page and world.staff_b.name not in page
    page = auth.client.get(f"/payouts?recipient_id={world.staff_b.id}").text
    assert f'value="{world.staff_b.id}" selected' in page


def test_the_project_panel_shows_each_terms_paid_in_progress_and_remaining(world, producing, auth):  # noqa: F811
    """Per term: 已兑现 counts paid and reversed payouts (a reversal's negative record cancels its original),
    在途 what is requested or approved, 剩余 the cap less both; rejected requests count nowhere."""
    paid = _request(world, producing, investor(producing, "producing", "100"))
    services.approve_payout(world.leader, paid, "同意", paid.version)
    services.pay_payout(world.leader, paid, local_today(), "PZ-1", paid.version)
    undone = _request(world, producing, investor(producing, "producing", "30", period="2027"))
    services.approve_payout(world.leader, undone, "同意", undone.version)
    services.pay_payout(world.leader, undone, local_today(), "PZ-2", undone.version)
    services.reverse_payout(world.leader, undone, "凭证有误", undone.version)
    _request(world, producing, investor(producing, "producing", "40", period="2028"))  # requested only
    rejected = _request(world, producing, investor(producing, "signed", "20"))
    services.reject_payout(world.leader, rejected, "材料不全", rejected.version)
    _request(world, producing, investor(producing, "started", "25"))
    db.session.commit()
    auth.login("staff_a")
    page = auth.client.get(f"/projects/{producing.id}").text
    panel = page[page.index('id="payouts"'):]
    rows = {}
    for row in panel.split("<tr>")[2:6]:
        cells = [c.split("</td>")[0].strip() for c in row.split("<td")[1:]]
        rows[cells[0].split(">")[-1]] = [c.split(">")[-1] for c in cells[1:5]]
    assert rows["设备补助"] == ["500.00", "100.00", "40.00", "360.00"]
    assert rows["签约奖励"] == ["50.00", "0.00", "0.00", "50.00"]
    assert rows["开工奖励"] == ["100.00", "0.00", "25.00", "75.00"]
    assert rows["税收奖励"] == ["300.00", "0.00", "0.00", "300.00"]
