"""Eight simultaneous payout requests against the served app (both databases): the cap and the
one-request-per-term-and-period rule hold in the database, not only in Python."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from crm.core.dates import local_today
from crm.extensions import db
from crm.payouts.models import Payout
from tests.test_concurrency import Http, race
from tests.test_payouts import investor, make_project, policy, producing, terms_of  # noqa: F401

EIGHT = 8


def _clients(base: str) -> list[Http]:
    return [Http(base).api_login(("staff_a", "head_a")[i % 2]) for i in range(EIGHT)]


def _live_sum(term_id: int):
    return db.session.scalar(select(func.coalesce(func.sum(Payout.amount_wan), 0)).where(Payout.term_id == term_id))


def test_eight_requests_that_each_fit_never_all_pass_the_cap(world, producing, live_server):  # noqa: F811
    """Cap 500: eight requests of 100 for different periods, fired at once: five pass, three are refused."""
    clients = _clients(live_server)
    term = terms_of(producing)["producing"]
    calls = [(clients[i], "POST", "/api/v1/payouts",
              {"json_body": investor(producing, "producing", "100", period=f"2026-{i + 1:02d}")
               | {"project_id": producing.id}}) for i in range(EIGHT)]
    results = race(calls)
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] * 5 + [422] * 3, results
    for status, body in results:
        if status == 422:
            assert "金额超出可兑现余额" in json.loads(body)["error"]["message"]
    assert _live_sum(term.id) == 500


def test_eight_requests_for_the_same_term_and_period_make_one(world, producing, live_server):  # noqa: F811
    clients = _clients(live_server)
    term = terms_of(producing)["producing"]
    calls = [(clients[i], "POST", "/api/v1/payouts",
              {"json_body": investor(producing, "producing", "10", period="2026") | {"project_id": producing.id}})
             for i in range(EIGHT)]
    results = race(calls)
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * 7, results
    assert db.session.scalar(select(func.count()).select_from(Payout).where(Payout.term_id == term.id)) == 1


def test_eight_leaders_paying_one_payout_record_one_payment(world, producing, live_server):  # noqa: F811
    from crm.payouts import services

    payout = services.request_payout(world.staff_a, producing, investor(producing, "producing", "50"))
    services.approve_payout(world.leader, payout)
    db.session.commit()
    clients = [Http(live_server).api_login(("leader", "admin")[i % 2]) for i in range(EIGHT)]
    today = local_today().isoformat()
    results = race([(clients[i], "POST", f"/api/v1/payouts/{payout.id}/pay",
                     {"json_body": {"paid_date": today, "voucher_no": f"PZ-{i}"}}) for i in range(EIGHT)])
    statuses = [status for status, _body in results]
    assert sorted(statuses) == [200] + [409] * 7, results
    db.session.refresh(payout)
    assert payout.voucher_no == f"PZ-{statuses.index(200)}" and payout.version == 3
