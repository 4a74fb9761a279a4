"""Issue 7: no input a client can send breaks a page for everyone or answers 500.

Each test here failed on main before the fix: the text rules (control characters, lone surrogates,
invisible names, bidi overrides), inputs that crashed, exports that broke on stored text, one Excel
escaping helper, reference lists for integrators, and the smaller items.
"""

from __future__ import annotations

import http.client
import io
import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from crm.core import parsing as p
from crm.core.errors import ValidationFailed
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.projects.models import Project, ProjectContact
from crm.reference.services import seed_default_lists
from crm.screening.models import Screening
from tests.factories import ProjectFactory, signed_screening
from tests.test_projects_api import new_project

D0 = date.today() - timedelta(days=30)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- 3. What text a record may hold -------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    "年产\v10万套项目", "年产\x00项目", "年产\x1b项目", "项目\u202e名称", "项目\u2066名称", "\u200b\u200b",
    "\ufeff", "年产\ud800项目", "first\nsecond",
])
def test_single_line_text_refuses_control_invisible_and_bidi_characters(setup, api, bad):
    api.login("staff_a")
    response = api.post("/api/v1/projects", json=new_project(setup, name=bad))
    assert response.status_code == 422, response.json
    assert "name" in response.json["error"]["fields"]
    assert _count(Project) == 0


def test_multi_line_text_keeps_newlines_and_tabs_but_no_other_controls(setup):
    assert p.text("第一行\n\t第二行", "summary", max_length=100, multiline=True) == "第一行\n\t第二行"
    with pytest.raises(ValidationFailed):
        p.text("第一行\v第二行", "summary", max_length=100, multiline=True)
    with pytest.raises(ValidationFailed):
        p.text("第一行\n第二行", "name", max_length=100)


def test_ordinary_chinese_text_with_zero_width_joiners_inside_is_kept(setup):
    # A joiner inside real text (e.g. in an emoji sequence) is not an invisible *name*.
    assert p.text("张三\u200d李四", "people", max_length=50) == "张三\u200d李四"


def test_nul_in_a_search_is_a_422_not_a_500(setup, api):
    api.login("leader")
    response = api.get("/api/v1/projects?q=a%00b")
    assert response.status_code == 422
    assert "q" in response.json["error"]["fields"]


def test_ledger_search_with_nul_shows_a_message_not_a_crash(setup, auth, client):
    auth.login("leader")
    page = client.get("/projects?q=a%00b")
    assert page.status_code == 200
    assert "筛选条件有误" in page.text


def test_export_survives_text_already_stored_with_illegal_characters(setup, auth, client):
    """Rows stored before the rules existed must not break the export for everyone."""
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    # A Core UPDATE, as rows written before the rules existed: the ORM flush guard would refuse it.
    db.session.execute(update(Project).where(Project.id == project.id).values(
        name="坏名字\v项目", investor_name="=HYPERLINK(\"x\")\x1f"))
    db.session.commit()
    auth.login("leader")
    response = client.get("/projects/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    row = [c.value for c in sheet[2]]
    assert "坏名字项目" in row
    assert "'=HYPERLINK(\"x\")" in row


# --- 4. Inputs that answered 500 ---------------------------------------------------------------

@pytest.mark.parametrize("field", ["jobs", "unit_id", "owner_id"])
def test_superscript_digits_are_refused_not_a_crash(setup, api, field):
    api.login("staff_a")
    response = api.post("/api/v1/projects", json=new_project(setup, **{field: "²"}))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_superscript_version_is_a_conflict_not_a_crash(setup, api):
    api.login("staff_a")
    created = api.post("/api/v1/projects", json=new_project(setup)).json
    response = api.patch(f"/api/v1/projects/{created['id']}", json={"jobs": 5, "version": "²"})
    assert response.status_code == 409


def test_superscript_next_action_owner_is_refused(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/followups", json={
        "followed_on": D0.isoformat(), "kind": "visit", "notes": "拜访", "next_action": "发函",
        "next_action_due": date.today().isoformat(), "next_action_owner_id": "²"})
    assert response.status_code == 422
    assert "next_action_owner_id" in response.json["error"]["fields"]


def test_deeply_nested_json_is_a_400(setup, api):
    api.login("staff_a")
    body = "[" * 50_000 + "]" * 50_000
    response = api.post("/api/v1/projects", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_contacts_that_are_not_objects_are_refused_in_a_patch(setup, api):
    api.login("staff_a")
    created = api.post("/api/v1/projects", json=new_project(setup)).json
    response = api.patch(f"/api/v1/projects/{created['id']}", json={"contacts": ["x"], "version": 1})
    assert response.status_code == 422
    assert db.session.get(Project, created["id"]).version == 1


def test_a_patch_cannot_store_more_contacts_than_create_allows(setup, api):
    api.login("staff_a")
    created = api.post("/api/v1/projects", json=new_project(setup)).json
    contacts = [{"name": f"联系人{i}", "phone": "13900000000"} for i in range(25)]
    response = api.patch(f"/api/v1/projects/{created['id']}", json={"contacts": contacts, "version": 1})
    assert response.status_code == 422
    assert _count(ProjectContact) == 1


def test_a_chunked_body_past_the_json_limit_is_refused(setup, live_server, client):
    login = client.post("/api/v1/auth/token", json={"username": "staff_a", "password": "Demo@2026"})
    token = login.json["token"]
    url = urlsplit(live_server)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    filler = "x" * 2_000_000
    payload = json.dumps(new_project(setup, summary=filler)).encode()

    def chunks():
        for start in range(0, len(payload), 64 * 1024):
            yield payload[start:start + 64 * 1024]

    connection.request("POST", "/api/v1/projects", body=chunks(), encode_chunked=True, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}", "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 413, body
    assert json.loads(body)["error"]["code"] == "too_large"
    assert _count(Project) == 0


def _follow_up(setup, **values) -> FollowUp:
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    follow_up = FollowUp(project_id=project.id, followed_on=D0, kind="visit", notes="拜访", created_by_id=setup.staff_a.id,
                         **values)
    db.session.add(follow_up)
    db.session.commit()
    return follow_up


def test_marking_done_a_follow_up_without_next_action_is_a_message(setup, auth, client):
    follow_up = _follow_up(setup)
    auth.login("staff_a")
    from tests.conftest import csrf_token

    token = csrf_token(client.get(f"/projects/{follow_up.project_id}").text)
    response = client.post(f"/followups/{follow_up.id}/done", data={"csrf_token": token, "version": str(follow_up.version)},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "没有下一步工作" in response.text


def test_marking_done_with_an_empty_version_is_a_message(setup, auth, client):
    follow_up = _follow_up(setup, next_action="发函", next_action_due=date.today(),
                           next_action_owner_id=setup.staff_a.id)
    auth.login("staff_a")
    from tests.conftest import csrf_token

    token = csrf_token(client.get(f"/projects/{follow_up.project_id}").text)
    response = client.post(f"/followups/{follow_up.id}/done", data={"csrf_token": token, "version": ""},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "版本" in response.text
    assert db.session.get(FollowUp, follow_up.id).next_action_done_at is None


# --- 6. One escaping helper for every workbook -------------------------------------------------

def test_screening_export_never_writes_live_formulas(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="=HYPERLINK(\"http://x\",\"点我\")")
    db.session.execute(update(type(setup.unit_a)).where(type(setup.unit_a).id == setup.unit_a.id)
                       .values(name="@SUM(1+1)"))
    db.session.commit()
    signed_screening(project, setup.leader)
    db.session.execute(update(Screening).values(policy_version="+cmd|' /C calc'!A0"))
    db.session.commit()
    auth.login("leader")
    response = client.get("/screenings/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert values, "the export has rows"
    assert not [v for v in values if v[0] in "=+-@"], values
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in values and "'@SUM(1+1)" in values


# --- 7. Integrators drop a project by its reason -----------------------------------------------

def test_drop_accepts_the_reason_label_or_its_code(setup, api):
    first = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    second = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    by_label = api.post(f"/api/v1/projects/{first.id}/transitions",
                        json={"to": "dropped", "effective_date": D0.isoformat(), "reason": "企业战略调整"})
    assert by_label.status_code == 201, by_label.json
    db.session.expire_all()
    reasons = api.get("/api/v1/reference/drop_reason").json["items"]
    code = next(item["code"] for item in reasons if item["label"] == "企业战略调整")
    assert db.session.get(Project, first.id).drop_reason_code == code
    by_code = api.post(f"/api/v1/projects/{second.id}/transitions",
                       json={"to": "dropped", "effective_date": D0.isoformat(), "reason": code})
    assert by_code.status_code == 201


def test_an_unknown_drop_reason_names_the_valid_ones(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/transitions",
                        json={"to": "dropped", "effective_date": D0.isoformat(), "reason": "不想干了"})
    assert response.status_code == 422
    message = " ".join(response.json["error"]["fields"]["reason"])
    assert "企业战略调整" in message and "/api/v1/reference/drop_reason" in message


@pytest.mark.parametrize("kind,expected", [
    ("drop_reason", "企业战略调整"), ("negative_list", None), ("source", "以商招商"), ("fund_origin", "境外"),
    ("stage", "过会"), ("status", "暂缓"), ("project_kind", "增资项目"), ("verdict", "有条件通过"),
])
def test_every_configurable_list_is_readable(setup, api, kind, expected):
    api.login("staff_b")
    body = api.get(f"/api/v1/reference/{kind}").json
    assert body["items"] and all(set(item) >= {"code", "label"} for item in body["items"])
    if expected:
        assert expected in [item["label"] for item in body["items"]]


def test_an_unknown_reference_list_is_404_and_lists_are_in_the_openapi_document(setup, api):
    api.login("staff_b")
    assert api.get("/api/v1/reference/nope").status_code == 404
    spec = api.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/reference/{kind}"]["get"]
    kinds = next(p for p in operation["parameters"] if p["name"] == "kind")["schema"]["enum"]
    assert "drop_reason" in kinds and "source" in kinds
    transition_input = spec["components"]["schemas"]["TransitionInput"]["properties"]
    assert "/api/v1/reference/drop_reason" in transition_input["reason"]["description"]


# --- 9. Smaller ones ---------------------------------------------------------------------------

def test_a_name_over_the_limit_is_refused_with_the_limit_not_cut(setup, auth, client):
    """A `maxlength` attribute made the browser cut a pasted 5,000-character name to 200 without a
    word; the server refuses it instead, naming the limit."""
    auth.login("staff_a")
    form = client.get("/projects/new").text
    assert "maxlength" not in form
    page = auth.post_form("/projects/new", {
        "name": "项" * 5000, "investor_name": "示范电机有限公司", "industry_code": "38", "source": "expo", "kind": "new",
        "unit_id": setup.unit_a.id, "owner_id": setup.staff_a.id, "total_investment_wan": "5000",
        "fund_origin": "local"})
    assert page.status_code == 200
    assert "最多 200 个字符（现有 5000 个）" in page.text
    assert _count(Project) == 0


def test_negative_jobs_says_it_cannot_be_negative(setup, api):
    api.login("staff_a")
    for value in ("-3", -3):
        response = api.post("/api/v1/projects", json=new_project(setup, jobs=value))
        assert response.status_code == 422
        assert "不能为负数" in " ".join(response.json["error"]["fields"]["jobs"])


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31"])
def test_absurdly_early_business_dates_are_refused(setup, api, value):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/transitions",
                        json={"to": "on_hold", "effective_date": value, "note": "等待"})
    assert response.status_code == 422
    assert "effective_date" in response.json["error"]["fields"]


def test_text_downloads_name_their_charset_once(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    auth.login("staff_a")
    from tests.conftest import csrf_token

    token = csrf_token(client.get(f"/projects/{project.id}").text)
    client.post(f"/projects/{project.id}/attachments", data={
        "csrf_token": token, "category": "other", "note": "",
        "file": (io.BytesIO("会议纪要".encode()), "纪要.txt")}, content_type="multipart/form-data")
    from crm.attachments.models import Attachment

    attachment = db.session.scalar(select(Attachment))
    response = client.get(f"/attachments/{attachment.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1


# --- The same rule at the storage boundary, whatever path sets the text ---------------------------

def test_admin_screens_cannot_store_a_unit_name_with_control_characters(setup, auth, client):
    auth.login("admin")
    page = auth.post_form("/admin/units/new", {"name": "开发区\v招商局", "kind": "park", "parent_id": "",
                                               "location": ""})
    assert page.status_code == 200
    assert "不可见的控制字符" in page.text
    from crm.units.models import Unit

    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.name.contains("开发区"))) == 0


def test_the_flush_guard_refuses_bad_text_set_directly_on_a_model(setup):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    project.location = "园区\u202e名称"
    with pytest.raises(ValidationFailed) as err:
        db.session.flush()
    db.session.rollback()
    assert "location" in err.value.fields
    project.summary = "第一行\n\t第二行"  # multi-line columns keep newlines and tabs
    db.session.commit()
    assert db.session.get(Project, project.id).summary == "第一行\n\t第二行"
