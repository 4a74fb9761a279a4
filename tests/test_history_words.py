"""The change history reads in words (资料意识): one user action per entry, every field by its label,
every value as a person reads it — never a column key, a code, a Python repr or a UTC offset."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.demo.policies import CITY
from crm.extensions import db
from crm.pipeline.permits import permits_of
from crm.reference.services import seed_default_lists
from crm.screening import policies as policy_rules
from tests.conftest import csrf_token
from tests.factories import ProjectFactory, gate_data

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = local_today()


@pytest.fixture
def walked(world, api, client, app, tmp_path, monkeypatch):
    """A project taken through every move, each by its own request (web or API), as people do."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    seed_default_lists()
    db.session.commit()
    policy_rules.create_policy(world.admin, CITY)
    db.session.commit()
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a, name="示范新材料项目")
    pid = project.id

    def ok(response, status=(200, 201)):
        assert response.status_code in status, response.get_json() or response.text[:500]
        return response.get_json()

    def move(to, when, **extra):
        version = ok(api.get(f"/api/v1/projects/{pid}"))["version"]
        return ok(api.post(f"/api/v1/projects/{pid}/transitions", json=gate_data(to, when, version=version, **extra)))

    api.login("staff_a")
    version = ok(api.get(f"/api/v1/projects/{pid}"))["version"]
    ok(api.patch(f"/api/v1/projects/{pid}", json={"total_investment_wan": "60000", "version": version}))
    sid = ok(api.post(f"/api/v1/projects/{pid}/screenings"))["id"]
    api.login("leader")
    ok(api.post(f"/api/v1/screenings/{sid}/decision", json={
        "verdict": "conditional", "conditions": "须落实环评", "comment": "同意", "negative_list_confirmed": True}))
    api.login("staff_a")
    move("approved", TODAY, meeting_name="2026年第11次项目评审会", minutes_no="评审纪要〔2026〕11号")
    move("signed", TODAY)
    permit = next(pm for pm in permits_of(db.session.get(type(project), pid)) if pm.required)
    for pm in permits_of(db.session.get(type(project), pid)):
        ok(api.patch(f"/api/v1/permits/{pm.id}", json={"done_date": TODAY.isoformat(),
                                                      "reference_no": f"批-{pm.id}", "version": pm.version}))
    db.session.expire_all()
    ok(api.patch(f"/api/v1/permits/{permit.id}", json={
        "done_date": (TODAY - timedelta(days=1)).isoformat(), "reason": "批文日期录入有误",
        "version": db.session.get(type(permit), permit.id).version}))
    move("started", TODAY)
    move("producing", TODAY)
    move("on_hold", TODAY, note="企业融资安排调整")
    move("resume", TODAY)
    move("dropped", TODAY, reason="strategy_change")
    api.login("admin")
    move("correction", TODAY, to_stage="signed", reason="终止登记有误，退回签约")
    api.login("staff_a")
    ok(api.post(f"/api/v1/projects/{pid}/followups", json={
        "followed_on": TODAY.isoformat(), "kind": "visit", "notes": "走访企业，了解融资进展"}))
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"username": "staff_a", "password": "Demo@2026", "csrf_token": token})
    token = csrf_token(client.get(f"/projects/{pid}").text)
    ok(client.post(f"/projects/{pid}/attachments", data={
        "file": (io.BytesIO(PDF), "投资合同.pdf"), "category": "contract", "csrf_token": token},
        content_type="multipart/form-data"), status=(302,))
    return pid


RAW = [r"\bproject_id\b", r"\bfrom_stage\b", r"\bto_stage\b", r"\bkind\b", r"\bversion\b", r"\bNone\b",
       r"\bTrue\b", r"\bFalse\b", r"Decimal\(", r"\{'", r"\['", r"\+00:00", r"\+08:00", r"UTC",
       r"\bsearch_text\b", r"investor_name_norm", r"storage_key", r"voided_by_id", r"\badvance\b",
       r"\bstrategy_change\b", r"\btce\b", r"\d\.\d{5,}"]


def _history_html(page: str) -> str:
    start = page.index('id="history"')
    return page[start:page.index("</ol>", start)]


def test_every_move_reads_in_words(walked, client):
    history = _history_html(client.get(f"/projects/{walked}/history").text)
    text = re.sub(r"<[^>]+>", " ", history)
    for pattern in RAW:
        assert not re.search(pattern, text), (pattern, re.search(pattern, text))
    headlines = re.findall(r'class="history-headline">(.*?)</span>', history)
    expected = ["建立项目：示范新材料项目", "修改项目：总投资 5.00 亿元 → 6.00 亿元", "预审测算：得分",
                "预审签批：有条件通过", "记录过会：2026年第11次项目评审会，纪要 评审纪要〔2026〕11号",
                "记录签约：合同 HT-", "登记审批手续办结：", "更正审批手续办结日期（批文日期录入有误）",
                "记录开工：", "记录投产：", "暂缓（企业融资安排调整）", "恢复推进", "终止（企业战略调整）",
                "管理员更正（终止登记有误，退回签约）：退回签约", "新增跟进：", "上传附件：投资合同.pdf（合同）"]
    for words in expected:
        assert any(h.startswith(words) for h in headlines), (words, headlines)
    # One move is one entry: the approval's transition, meeting record and project update fold together.
    assert sum(h.startswith("记录过会") for h in headlines) == 1
    assert len(headlines) == len(set(db.session.scalars(select(AuditEntry.batch)).all()) - {None})
    assert "<details" in history and "会议纪要编号" in history and "评审纪要〔2026〕11号" in history
    assert "已作废（管理员更正）" in history  # the started record the correction undid, in words


def test_screening_inputs_and_indicators_are_tables_with_chinese_units(walked, client):
    history = _history_html(client.get(f"/projects/{walked}/history").text)
    assert 'class="table table-sm table-borderless mb-0 history-rows"' in history
    assert "吨标准煤/万元" in history and "tce" not in history
    energy = re.search(r"单位产值能耗</th><td>([\d.,]+) 吨标准煤/万元", history)
    assert energy and len(energy.group(1).split(".")[1]) == 4  # the threshold's 4 decimals


def test_the_api_keeps_the_machine_readable_trail_with_its_batch(walked, api):
    api.login("staff_a")
    items = api.get(f"/api/v1/projects/{walked}/history?per_page=200").json["items"]
    transition = next(i for i in items if i["record_type"] == "project_transitions"
                      and i["changes"]["to_stage"][1] == "approved")
    assert transition["changes"]["from_stage"] == [None, "talks"] and transition["batch"]
    same_request = [i["record_type"] for i in items if i["batch"] == transition["batch"]]
    assert {"project_transitions", "meeting_approvals", "projects"} <= set(same_request)


def test_the_project_page_shows_the_latest_ten_and_the_history_pages_fifty_at_a_time(world, api, auth, client):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    api.login("staff_a")
    for i in range(55):
        version = api.get(f"/api/v1/projects/{project.id}").json["version"]
        assert api.patch(f"/api/v1/projects/{project.id}", json={"summary": f"第{i}次修改",
                                                                  "version": version}).status_code == 200
    auth.login("staff_a")
    page = client.get(f"/projects/{project.id}").text
    assert page.count('class="border-bottom py-2 history-entry"') == 10
    assert "→ 第54次修改" in page and "→ 第45次修改" in page and "→ 第44次修改" not in page
    assert "共 56 项" in page and f'href="/projects/{project.id}/history"' in page
    first = client.get(f"/projects/{project.id}/history").text
    assert first.count('class="border-bottom py-2 history-entry"') == 50 and "第5次修改" in first
    second = client.get(f"/projects/{project.id}/history?page=2").text
    assert second.count("history-entry") == 6 and "建立项目" in second and "第54次修改" not in second
    assert "第54次修改" in client.get(f"/projects/{project.id}/history").text


def test_entries_without_a_batch_show_one_each(world, auth, client):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    for summary in ("甲", "乙"):  # as a bulk generator writes them: no batch
        db.session.execute(AuditEntry.__table__.insert().values(
            record_type="projects", record_id=project.id, action="update", actor_id=world.staff_a.id,
            source="cli", batch=None, changes={"summary": [None, summary]}, created_at=project.created_at))
    db.session.commit()
    auth.login("staff_a")
    page = client.get(f"/projects/{project.id}").text
    assert page.count("history-entry") == 3 and "建立项目" in page
    assert "修改项目：项目简介 — → 甲" in page and "修改项目：项目简介 — → 乙" in page


def test_every_history_table_uses_the_same_words(world, auth, client):
    """A unit's page (like users', chains', list items', follow-ups', screenings') shows the same
    presenter: the action in words, names for ids, no codes."""
    auth.login("admin")
    url = f"/admin/units/{world.unit_a.id}"
    assert auth.post_form(url, {"name": "先进制造组（甲）", "kind": "park", "parent_id": str(world.bureau.id),
                                "location": "", "version": "1"}).status_code == 302
    html = client.get(url).text
    text = " ".join(re.sub(r"<[^>]+>", " ", _history_html(html)).split())
    assert "系统管理员 修改单位：单位名称 先进制造产业招商组 → 先进制造组（甲）；单位类型" in text
    assert "园区" in text and "chain_team" not in text and "park" not in text
    for pattern in RAW:
        assert not re.search(pattern, text), pattern
