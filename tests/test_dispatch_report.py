"""Issue 14 (dispatch report, 调度通报): the funnel of a period printed as a PDF, its figures the same as
GET /api/v1/funnel's, with the charts, trips and payouts; the brief's trips and payouts; the print
buttons on the funnel page and the ledger."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.domain import Stage
from crm.extensions import db
from crm.funnel.charts import month_labels
from crm.payouts import services as payouts
from crm.payouts.policies import create_reward_policy
from crm.reference.services import seed_default_lists
from crm.reports.models import PrintRecord
from crm.trips import report as trip_report
from crm.trips import services as trips
from tests.factories import ProjectFactory
from tests.funnel_data import build
from tests.test_payouts import investor, walk

TODAY = local_today()
FROM = "2025-01-01"
PERIOD = f"from={FROM}&to={TODAY.isoformat()}"


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _trip(world, start: date, visited: bool, lead: bool, project=None):
    """An approved and reported trip of unit A starting on `start`, visiting one company."""
    target = {"company_name": "深圳市示范科技有限公司", "contact": "王总", "topic": "华东生产基地选址",
              "project_id": project.id if project else None}
    trip = trips.create_trip(world.staff_a, {
        "traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id,
        "start_date": start.isoformat(), "end_date": (start + timedelta(days=2)).isoformat(),
        "destination_province": "广东省", "destination_city": "深圳市", "purpose": "对接新能源汽车零部件企业",
        "budget_wan": "1.5", "targets": [target]}, today=start - timedelta(days=5))
    trips.submit_trip(world.staff_a, trip, trip.version, today=start - timedelta(days=5))
    trips.approve_trip(world.head_a, trip, trip.version, "同意")
    trip_report.report_trip(world.staff_a, trip, {
        "targets": [{"target_id": trip.targets[0].id, "visited": visited, "outcome": "对方有意向，约定来考察"}],
        "expenses_wan": "1.2", "notes": "顺利"}, trip.version, today=start + timedelta(days=2))
    if lead:
        trip_report.create_lead(world.staff_a, trip.targets[0], {"industry_code": "36", "total_investment_wan": "20000",
                                                                  "fund_origin": "province_outside"})
    db.session.commit()
    return trip


@pytest.fixture
def city(world):
    """The funnel's small city (2025), a producing project with payouts paid, applied and approved,
    and three trips of unit A in the last weeks: one fruitful, one that visited nobody."""
    seed_default_lists()
    create_reward_policy(world.admin, {"name": "示范市招商奖励办法", "tiers": [{"min_wan": "0", "fixed_wan": "2"}]})
    db.session.commit()
    w = build(world)
    w.producing = ProjectFactory(unit=world.unit_a, owner=world.staff_a, name="年产10万套新能源汽车电机项目")
    walk(w.producing, world, "producing")
    paid = payouts.request_payout(world.staff_a, w.producing, investor(w.producing, "signed", "40"))
    payouts.approve_payout(world.leader, paid, "同意", paid.version)
    payouts.pay_payout(world.admin, paid, TODAY.isoformat(), "记账凭证2026-118", paid.version)
    waiting = payouts.request_payout(world.staff_a, w.producing, investor(w.producing, "started", "60"))
    payouts.approve_payout(world.leader, waiting, "同意", waiting.version, today=TODAY - timedelta(days=12))
    payouts.request_payout(world.staff_a, w.producing, investor(w.producing, "producing", "120.5"))
    db.session.commit()
    w.fruitful = _trip(world, TODAY - timedelta(days=30), visited=True, lead=True)
    w.visit = _trip(world, TODAY - timedelta(days=20), visited=True, lead=False, project=w.producing)
    w.idle = _trip(world, TODAY - timedelta(days=10), visited=False, lead=False)
    return w


def _stage_row(text: str, title: str) -> list[str]:
    """The figures of one stage's row of the funnel table, as printed."""
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] == title and len(cells) >= 12:
            return cells[1:12]
    raise AssertionError(f"no row for {title}")


def test_the_dispatch_report_prints_the_funnel_the_api_returns(city, auth, api, client):
    auth.login("leader")
    response = client.get(f"/reports/dispatch.pdf?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    funnel = api.login("leader").get(f"/api/v1/funnel?{PERIOD}").json
    for stage in funnel["stages"]:
        row = _stage_row(text, Stage(stage["stage"]).title)
        last = stage["last_year"]
        assert [int(row[0]), int(row[1]), int(row[5]), int(row[6])] == [stage["entered"], last["entered"],
                                                                         stage["current"], last["current"]], row
        assert row[3] == f"{float(stage['entered_investment_wan']) / 10000:,.2f}", row
    for expected in ("招商引资工作调度通报", "各阶段进展（与去年同期对比）", "同比", "进度时效", "最慢的环节是",
                     "单位排名（与去年同期对比）", "停滞项目", "外出招商", "奖励兑现", "示范市投资促进局",
                     "内部资料 注意保存", "数据截至 " + TODAY.isoformat()):
        assert expected in text, expected
    # The charts are the funnel page's SVG, drawn as text: the funnel's captions, the first month's label.
    assert re.search(r"期末在库 \d+", text) and month_labels(TODAY)[0] in text
    pages = len(PdfReader(io.BytesIO(response.data)).pages)
    assert 2 <= pages <= 8 and f"第{pages}页共{pages}页" in "".join(text.split())


def test_the_trips_and_payouts_summaries_add_up(city, auth, client):
    auth.login("leader")
    flat = "".join(_text(client.get(f"/reports/dispatch.pdf?{PERIOD}").data).split())
    # 3 trips × 3 days × 1 traveller; 3 targets, 2 visited; 1 lead; the idle one and the one with no lead.
    assert "本期外出招商3次、9人天，拜访对象3个（已拜访2个），新建线索1条；无拜访或无线索的外出2次。" in flat
    assert re.search(r"本期已支付1 40\.00—".replace(" ", ""), flat), "paid: one payout of 40 万元"
    assert re.search(r"待审批1120\.50\d+", flat) and re.search(r"已审批未支付160\.0012", flat)
    assert "已审批未支付共1笔" in flat


def test_the_fonts_are_embedded_subset_and_the_charts_are_vector(city, auth, client):
    auth.login("leader")
    pdf = PdfReader(io.BytesIO(client.get(f"/reports/dispatch.pdf?{PERIOD}").data))
    fonts = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    cjk = [f for f in fonts if "NotoSansCJK" in f.replace(" ", "").replace("-", "")]
    assert cjk and all("+" in f for f in cjk), fonts
    assert not any(page["/Resources"].get("/XObject") for page in pdf.pages
                   if any(str(x.get_object().get("/Subtype")) == "/Image"
                          for x in (page["/Resources"].get("/XObject") or {}).values())), "charts are not bitmaps"


def test_a_unit_head_sees_only_their_unit_and_another_unit_is_refused(city, world, auth, client):
    auth.login("head_a")
    text = _text(client.get(f"/reports/dispatch.pdf?{PERIOD}").data)
    assert "P1 首日过会末日签约" in text or "年产10万套" in text or "乙单位" not in text
    assert "P10 乙单位" not in text and world.unit_b.name not in text
    response = client.get(f"/reports/dispatch.pdf?{PERIOD}&unit_id={world.unit_b.id}")
    assert response.status_code == 403 and "您只能查看本单位的数据" in response.text


@pytest.mark.parametrize("query,message", [
    ("from=2025-03-31&to=2025-01-01", "开始日期不能晚于结束日期"),
    ("from=2025-02-30&to=2025-03-31", "开始日期"),
    ("from=2025-01-01&to=2025-03-31&unit_id=999999", "没有这个单位"),
    ("from=2025-01-01&to=2025-03-31&chain_id=999999", "没有这个产业链"),
    ("from=2025-01-01&to=2025-03-31&tier=huge", "规模"),
])
def test_bad_input_is_explained_in_chinese_and_prints_nothing(city, auth, client, query, message):
    auth.login("leader")
    response = client.get(f"/reports/dispatch.pdf?{query}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "无法生成调度通报" in response.text and message in response.text
    assert db.session.scalar(select(PrintRecord)) is None


def test_each_print_is_recorded_in_the_audit_trail(city, world, auth, client):
    auth.login("leader")
    assert client.get(f"/reports/dispatch.pdf?{PERIOD}&unit_id={world.unit_a.id}").status_code == 200
    record = db.session.scalar(select(PrintRecord))
    assert record.document == "dispatch" and record.printed_by_id == world.leader.id
    assert FROM in record.title and world.unit_a.name in record.title
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "print_records",
                                                      AuditEntry.record_id == record.id)) is not None


def test_the_brief_lists_the_trips_and_the_payouts_of_the_terms(city, auth, client):
    auth.login("staff_a")
    flat = "".join(_text(client.get(f"/projects/{city.producing.id}/brief.pdf").data).split())
    assert "外出招商对接" in flat and "深圳市示范科技有限公司" in flat and "对方有意向，约定来考察" in flat
    assert "奖扶条款与兑现" in flat
    # 签约奖励: cap 50, paid 40, nothing pending, 10 left; 开工奖励: cap 100, 60 approved → pending, 40 left.
    assert "50.0040.000.0010.00" in flat and "100.000.0060.0040.00" in flat


def test_the_funnel_page_and_the_ledger_lead_to_the_right_pdfs(city, world, auth, client):
    auth.login("leader")
    page = client.get(f"/funnel?from=2025-01-01&to=2025-03-31&unit_id={world.unit_a.id}").text
    link = re.search(r'id="funnel-print" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/reports/dispatch.pdf?") and "from=2025-01-01" in link and f"unit_id={world.unit_a.id}" in link
    assert client.get(link).mimetype == "application/pdf"
    ledger = client.get("/projects").text
    assert 'id="pack-pick"' in ledger and 'form="pack-pick"' in ledger
    action = re.search(r'<form id="pack-pick" method="get" action="([^"]+)"', ledger).group(1)
    chosen = client.get(f"{action}?project_id={city.p1.id}&project_id={city.producing.id}").text
    assert 'id="meeting-pack-form"' in chosen and city.p1.name in chosen and "P10 乙单位" not in chosen
    pdf = client.get(f"/reports/meeting-pack.pdf?project_id={city.p1.id}&project_id={city.producing.id}"
                     f"&meeting_name=评审会&meeting_date={TODAY.isoformat()}")
    assert pdf.mimetype == "application/pdf"


def test_the_dispatch_report_renders_to_images(city, auth, client, tmp_path):
    auth.login("leader")
    pdf = tmp_path / "dispatch.pdf"
    pdf.write_bytes(client.get(f"/reports/dispatch.pdf?{PERIOD}").data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
