"""Follow-up records (跟进记录): who may add them, what is refused, next actions and the due list."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.core.errors import Conflict, ValidationFailed
from crm.extensions import db
from crm.followups import page, services
from crm.followups.models import FollowUp
from tests.factories import ProjectFactory, UserFactory
from tests.querycount import count_queries


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUp))


def _today():
    return services.local_today()


@pytest.fixture
def project(world):
    return ProjectFactory(unit=world.unit_a, owner=world.staff_a)


def _form(world, **overrides) -> dict:
    today = _today()
    data = {"followed_on": (today - timedelta(days=1)).isoformat(), "kind": "visit", "people": "李晓燕；王总",
            "notes": "赴企业总部洽谈，对方确认意向。", "next_action": "提交用地需求",
            "next_action_due": (today + timedelta(days=3)).isoformat(),
            "next_action_owner_id": str(world.staff_a.id)}
    return {**data, **overrides}


def _add(world, project, actor=None, **overrides) -> FollowUp:
    today = _today()
    data = {"followed_on": today - timedelta(days=1), "kind": "call", "notes": "电话沟通。",
            "next_action": "寄送资料", "next_action_due": today + timedelta(days=2),
            "next_action_owner_id": world.staff_a.id}
    follow_up = services.add_follow_up(actor or world.staff_a, project, {**data, **overrides})
    db.session.commit()
    return follow_up


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.is_json
    body = response.json["error"]
    assert body["code"] == code and body["message"] and isinstance(body["fields"], dict)
    return body


# --- the web form ---------------------------------------------------------------------------------


def test_staff_adds_a_follow_up_that_shows_in_the_owners_due_list(world, auth, client, project):
    auth.login("staff_a")
    response = auth.post_form(f"/projects/{project.id}/followups", _form(world), form_page="/")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == f"/projects/{project.id}" and location.fragment == "followups"

    db.session.expire_all()
    follow_up = db.session.scalar(select(FollowUp))
    assert follow_up.notes == "赴企业总部洽谈，对方确认意向。" and follow_up.kind == "visit"
    assert follow_up.created_by_id == world.staff_a.id and follow_up.next_action_owner_id == world.staff_a.id
    assert follow_up.version == 1 and follow_up.archived_at is None

    due = services.due_follow_ups(world.staff_a, _today())
    assert [d.follow_up.id for d in due] == [follow_up.id]
    assert due[0].project.name == project.name and due[0].next_action == "提交用地需求"
    assert not due[0].overdue and due[0].days_left == 3
    assert services.due_follow_ups(world.head_a, _today()) == []  # not head_a's action

    page = client.get(f"/followups/{follow_up.id}/edit")
    assert page.status_code == 200 and "提交用地需求" in page.text and "编辑跟进记录" in page.text

    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "follow_ups")).all()
    assert [(a.action, a.actor_id, a.source) for a in audit] == [("insert", world.staff_a.id, "web")]


def test_follow_up_without_a_next_action_is_fine(world, auth, project):
    auth.login("head_a")
    data = _form(world, next_action="", next_action_due="", next_action_owner_id="")
    assert auth.post_form(f"/projects/{project.id}/followups", data, form_page="/").status_code == 302
    db.session.expire_all()
    follow_up = db.session.scalar(select(FollowUp))
    assert follow_up.next_action is None and follow_up.next_action_owner_id is None
    assert services.due_follow_ups(world.staff_a, _today()) == []


@pytest.mark.parametrize("overrides,message", [
    ({"followed_on": "+1"}, "跟进日期不能晚于今天。"),
    ({"next_action_due": "-5"}, "完成时限不能早于跟进日期。"),
    ({"notes": ""}, "请填写跟进情况。"),
    ({"notes": "   "}, "请填写跟进情况。"),
    ({"notes": "情" * 5001}, "最多 5000 个字符（现有 5001 个）"),
    ({"next_action_owner_id": "staff_b"}, "负责人须为项目责任单位的在岗人员或分管领导。"),
    ({"next_action_owner_id": "viewer"}, "负责人须为项目责任单位的在岗人员或分管领导。"),
    ({"next_action_owner_id": "99999"}, "负责人须为项目责任单位的在岗人员或分管领导。"),
    ({"next_action_owner_id": ""}, "有下一步工作时，请选择负责人。"),
    ({"next_action_due": ""}, "有下一步工作时，请填写完成时限。"),
    ({"next_action": ""}, "填写了完成时限或负责人，请同时填写下一步工作。"),
    ({"followed_on": ""}, "请填写跟进日期。"),
    ({"kind": "dinner"}, "不是有效的选择。"),
    ({"followed_on": "2026年3月1日"}, "不是有效的日期值。"),
])
def test_bad_input_is_explained_and_nothing_is_stored(world, auth, project, overrides, message):
    today = _today()
    relative = {"+1": today + timedelta(days=1), "-5": today - timedelta(days=5)}
    users = {"staff_b": world.staff_b.id, "viewer": world.viewer.id}
    overrides = {k: relative[v].isoformat() if v in relative else str(users.get(v, v)) for k, v in overrides.items()}
    auth.login("staff_a")
    response = auth.post_form(f"/projects/{project.id}/followups", _form(world, **overrides), form_page="/")
    assert response.status_code == 200
    assert message in response.text
    assert _count() == 0


def test_ten_megabytes_of_notes_are_refused(world, auth, project, api):
    auth.login("staff_a")
    response = auth.post_form(f"/projects/{project.id}/followups", _form(world, notes="x" * (10 * 1024 * 1024)),
                              form_page="/")
    assert response.status_code in (200, 413)
    if response.status_code == 200:
        assert "最多 5000 个字符" in response.text
    else:
        assert "提交内容过大" in response.text
    api.login("staff_a")
    body = {"followed_on": _today().isoformat(), "kind": "call", "notes": "x" * (10 * 1024 * 1024)}
    response = api.post(f"/api/v1/projects/{project.id}/followups", json=body)
    assert response.status_code in (413, 422) and response.is_json
    assert _count() == 0


def test_services_refuse_overlong_notes_with_the_field_named(world, project):
    with pytest.raises(ValidationFailed) as err:
        _add(world, project, notes="情" * 5001)
    assert err.value.message == "跟进情况过长（最多 5000 个字符，现有 5001 个）。" and "notes" in err.value.fields
    db.session.rollback()
    assert _count() == 0


def test_leader_and_unit_head_may_own_a_next_action(world, project):
    assert _add(world, project, next_action_owner_id=world.leader.id).next_action_owner_id == world.leader.id
    assert _add(world, project, next_action_owner_id=world.head_a.id).next_action_owner_id == world.head_a.id


def test_disabled_user_cannot_own_a_next_action(world, project):
    retired = UserFactory(username="retired_a", role="staff", unit=world.unit_a, active=False)
    with pytest.raises(ValidationFailed) as err:
        _add(world, project, next_action_owner_id=retired.id)
    assert "next_action_owner_id" in err.value.fields


def test_other_units_staff_get_404_on_web_and_api(world, auth, api, project):
    follow_up = _add(world, project)
    auth.login("staff_b")
    assert auth.post_form(f"/projects/{project.id}/followups", _form(world), form_page="/").status_code == 404
    assert auth.client.get(f"/followups/{follow_up.id}/edit").status_code == 404
    assert auth.post_form(f"/followups/{follow_up.id}/archive", {"version": "1"}, form_page="/").status_code == 404
    api.login("staff_b")
    _assert_error(api.get(f"/api/v1/projects/{project.id}/followups"), 404, "not_found")
    _assert_error(api.post(f"/api/v1/projects/{project.id}/followups", json={"notes": "x"}), 404, "not_found")
    _assert_error(api.patch(f"/api/v1/followups/{follow_up.id}", json={"notes": "改", "version": 1}), 404, "not_found")
    db.session.expire_all()
    assert _count() == 1 and db.session.get(FollowUp, follow_up.id).notes == "电话沟通。"


def test_viewer_reads_but_cannot_add(world, auth, api, project):
    _add(world, project)
    auth.login("viewer")
    response = auth.post_form(f"/projects/{project.id}/followups", _form(world), form_page="/")
    assert response.status_code == 403 and "没有权限" in response.text
    api.login("viewer")
    assert api.get(f"/api/v1/projects/{project.id}/followups").json["total"] == 1
    body = {"followed_on": _today().isoformat(), "kind": "call", "notes": "看一看"}
    _assert_error(api.post(f"/api/v1/projects/{project.id}/followups", json=body), 403, "forbidden")
    assert _count() == 1


def test_edit_via_the_web_form_and_a_stale_edit_is_refused(world, auth, project):
    follow_up = _add(world, project)
    auth.login("staff_a")
    url = f"/followups/{follow_up.id}/edit"
    data = _form(world, notes="第二次电话，对方要求补充材料。", version="1")
    response = auth.post_form(url, data)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == f"/projects/{project.id}"
    response = auth.post_form(url, {**data, "notes": "旧页面上的修改"})  # still holds version 1
    assert response.status_code == 200 and "该记录已被他人修改" in response.text
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, follow_up.id)
    assert follow_up.notes == "第二次电话，对方要求补充材料。" and follow_up.version == 2


def test_marking_done_removes_it_from_the_due_list(world, auth, project):
    follow_up = _add(world, project)
    assert len(services.due_follow_ups(world.staff_a, _today())) == 1
    auth.login("staff_a")
    response = auth.post_form(f"/followups/{follow_up.id}/done", {"version": "1"}, form_page="/")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).next_action_done_at is not None
    assert services.due_follow_ups(world.staff_a, _today()) == []
    follow_up = db.session.get(FollowUp, follow_up.id)
    with pytest.raises(Conflict):
        services.complete_next_action(world.staff_a, follow_up, follow_up.version)


def test_archive_keeps_the_row(world, auth, client, project):
    follow_up = _add(world, project)
    auth.login("staff_a")
    response = auth.post_form(f"/followups/{follow_up.id}/archive", {"version": "1"}, form_page="/")
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(FollowUp, follow_up.id)
    assert kept is not None and kept.archived_at is not None and kept.notes == "电话沟通。"
    assert services.follow_ups_for(project) == []
    assert [f.id for f in services.follow_ups_for(project, include_archived=True)] == [follow_up.id]
    assert services.due_follow_ups(world.staff_a, _today()) == []
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.record_type == "follow_ups")).all()
    assert actions == ["insert", "archive"]
    # archiving again, or editing an archived record, changes nothing
    auth.post_form(f"/followups/{follow_up.id}/archive", {"version": "2"}, form_page="/")
    page = client.get(f"/followups/{follow_up.id}/edit")
    assert "该跟进记录已归档，不能再修改。" in page.text
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).version == 2


# --- the API --------------------------------------------------------------------------------------


def test_api_create_list_patch(world, api, project):
    api.login("staff_a")
    today = _today()
    body = {"followed_on": today.isoformat(), "kind": "meeting", "people": "王总", "notes": "项目推进会。",
            "next_action": "准备评审材料", "next_action_due": (today + timedelta(days=5)).isoformat(),
            "next_action_owner_id": world.head_a.id}
    created = api.post(f"/api/v1/projects/{project.id}/followups", json=body)
    assert created.status_code == 201, created.json
    item = created.json
    assert item["followed_on"] == today.isoformat() and item["kind_label"] == "会谈"
    assert item["next_action_owner_id"] == world.head_a.id and item["next_action_owner_name"] == "陈志强"
    assert item["version"] == 1 and item["archived"] is False and item["next_action_done_at"] is None

    _add(world, project, followed_on=today - timedelta(days=10), next_action=None, next_action_due=None,
         next_action_owner_id=None)
    page = api.get(f"/api/v1/projects/{project.id}/followups?per_page=1")
    assert page.status_code == 200
    assert page.json["total"] == 2 and page.json["page"] == 1 and page.json["per_page"] == 1
    assert [i["id"] for i in page.json["items"]] == [item["id"]]  # newest first

    patched = api.patch(f"/api/v1/followups/{item['id']}", json={"notes": "项目推进会，已形成纪要。", "version": 1})
    assert patched.status_code == 200, patched.json
    assert patched.json["notes"] == "项目推进会，已形成纪要。" and patched.json["version"] == 2
    assert patched.json["next_action"] == "准备评审材料"  # fields not sent are kept

    patched = api.patch(f"/api/v1/followups/{item['id']}",
                        json={"next_action_owner_id": world.staff_a.id, "version": 2})
    assert patched.status_code == 200 and patched.json["next_action_owner_name"] == "李晓燕"

    done = api.post(f"/api/v1/followups/{item['id']}/done", json={"version": 3})
    assert done.status_code == 200 and done.json["next_action_done_at"]
    _assert_error(api.post(f"/api/v1/followups/{item['id']}/done", json={"version": 4}), 409, "conflict")

    archived = api.post(f"/api/v1/followups/{item['id']}/archive", json={"version": 4})
    assert archived.status_code == 200 and archived.json["archived"] is True
    assert api.get(f"/api/v1/projects/{project.id}/followups").json["total"] == 1


def test_api_stale_patch_is_409_and_changes_nothing(world, api, project):
    follow_up = _add(world, project)
    api.login("staff_a")
    assert api.patch(f"/api/v1/followups/{follow_up.id}", json={"notes": "甲", "version": 1}).status_code == 200
    body = _assert_error(api.patch(f"/api/v1/followups/{follow_up.id}", json={"notes": "乙", "version": 1}),
                         409, "conflict")
    assert "该记录已被他人修改" in body["message"]
    _assert_error(api.patch(f"/api/v1/followups/{follow_up.id}", json={"notes": "丙"}), 409, "conflict")
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, follow_up.id)
    assert follow_up.notes == "甲" and follow_up.version == 2


@pytest.mark.parametrize("overrides,field,message", [
    ({"followed_on": "2026/03/01"}, "followed_on", "跟进日期格式应为 YYYY-MM-DD。"),
    ({"followed_on": "2026-02-30"}, "followed_on", "跟进日期格式应为 YYYY-MM-DD。"),
    ({"followed_on": 20260301}, "followed_on", "跟进日期格式应为 YYYY-MM-DD。"),
    ({"next_action_due": "next week"}, "next_action_due", "完成时限格式应为 YYYY-MM-DD。"),
    ({"followed_on": None}, "followed_on", "请填写跟进日期。"),
    ({"notes": None}, "notes", "请填写跟进情况。"),
    ({"notes": ["a"]}, "notes", "跟进情况必须是文字。"),
    ({"kind": "dinner"}, "kind", "跟进方式的取值无效。"),
    ({"next_action_owner_id": "3"}, "next_action_owner_id", "负责人须为项目责任单位的在岗人员或分管领导。"),
    ({"next_action_owner_id": True}, "next_action_owner_id", "负责人须为项目责任单位的在岗人员或分管领导。"),
    ({"next_action_owner_id": None}, "next_action_owner_id", "有下一步工作时，请选择负责人。"),
    ({"next_action_due": "2000-01-01"}, "next_action_due", "完成时限不能早于跟进日期。"),
    ({"followed_on": "2099-01-01", "next_action_due": "2099-01-02"}, "followed_on", "跟进日期不能晚于今天。"),
    ({"followed_on": "2999-01-01", "next_action_due": "2999-01-02"}, "followed_on", "跟进日期应在 1990-01-01 至 2100-12-31 之间。"),
])
def test_api_validation_errors_name_the_field(world, api, project, overrides, field, message):
    api.login("staff_a")
    today = _today()
    body = {"followed_on": today.isoformat(), "kind": "call", "notes": "电话沟通。", "next_action": "回访",
            "next_action_due": today.isoformat(), "next_action_owner_id": world.staff_a.id, **overrides}
    error = _assert_error(api.post(f"/api/v1/projects/{project.id}/followups", json=body), 422, "validation_failed")
    assert field in error["fields"] and message in error["message"]
    assert _count() == 0


def test_api_bad_requests(world, api, client, project):
    _assert_error(client.get(f"/api/v1/projects/{project.id}/followups"), 401, "unauthorized")
    api.login("staff_a")
    _assert_error(api.post(f"/api/v1/projects/{project.id}/followups", json=["notes"]), 400, "bad_request")
    _assert_error(api.post(f"/api/v1/projects/{project.id}/followups", data="x"), 400, "bad_request")
    _assert_error(api.get("/api/v1/projects/99999/followups"), 404, "not_found")
    _assert_error(api.patch("/api/v1/followups/99999", json={"version": 1}), 404, "not_found")
    _assert_error(api.get(f"/api/v1/projects/{project.id}/followups?per_page=0"), 422, "validation_failed")


def test_api_endpoints_are_documented(app):
    """Each follow-up endpoint carries its OpenAPI description (tests/test_api_base.py checks the document)."""
    rules = {(r.rule, m): r.endpoint for r in app.url_map.iter_rules() if "followups" in r.rule and
             r.endpoint.startswith("api.") for m in r.methods - {"HEAD", "OPTIONS"}}
    assert {("/api/v1/projects/<int:project_id>/followups", "GET"), ("/api/v1/projects/<int:project_id>/followups", "POST"),
            ("/api/v1/followups/<int:follow_up_id>", "PATCH")} <= set(rules)
    for endpoint in rules.values():
        assert app.view_functions[endpoint].api_doc["summary"]
    assert 409 in app.view_functions[rules[("/api/v1/followups/<int:follow_up_id>", "PATCH")]].api_doc["statuses"]


# --- lists and queries ----------------------------------------------------------------------------


def test_due_list_order_horizon_and_bounded_queries(world, project):
    today = _today()
    other = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    long_ago = today - timedelta(days=30)

    def due_in(days, **kw):
        return _add(world, kw.pop("p", project), followed_on=long_ago, next_action_due=today + timedelta(days=days),
                    **kw)

    soon, overdue, today_item = due_in(7), due_in(-3, p=other), due_in(0)
    due_in(8)  # beyond the horizon
    due_in(1, next_action_owner_id=world.head_a.id)  # someone else's
    finished = due_in(-1)
    services.complete_next_action(world.staff_a, finished, finished.version)
    db.session.commit()

    db.session.expire_all()
    with count_queries() as queries:
        due = services.due_follow_ups(world.staff_a, today)
        shown = [(d.project.name, d.follow_up.next_action, d.follow_up.next_action_due, d.overdue) for d in due]
    assert [d.follow_up.id for d in due] == [overdue.id, today_item.id, soon.id]
    assert shown[0][0] == other.name and shown[0][3] is True and not any(s[3] for s in shown[1:])
    few = len(queries)
    assert few <= 2

    for _ in range(15):
        due_in(-2, p=ProjectFactory(unit=world.unit_a, owner=world.staff_a))
    db.session.expire_all()
    with count_queries() as queries:
        due = services.due_follow_ups(world.staff_a, today)
        [(d.project.name, d.follow_up.next_action) for d in due]
    assert len(due) == 18 and len(queries) == few


def test_follow_ups_for_is_newest_first_without_n_plus_1(world, project):
    today = _today()
    for days, owner in [(5, world.staff_a), (1, world.head_a), (3, world.leader)]:
        _add(world, project, followed_on=today - timedelta(days=days), next_action_owner_id=owner.id)
    for _ in range(10):
        _add(world, project, next_action=None, next_action_due=None, next_action_owner_id=None)
    db.session.expire_all()
    assert project.id  # reload the project itself outside the count
    with count_queries() as queries:
        rows = services.follow_ups_for(project)
        [(f.next_action_owner.name if f.next_action_owner else None, f.created_by.name) for f in rows]
    assert len(queries) <= 3
    dated = [f for f in rows if f.next_action]
    assert [f.next_action_owner.name for f in dated] == ["陈志强", "王建国", "李晓燕"]
    assert [f.followed_on for f in rows] == sorted((f.followed_on for f in rows), reverse=True)


def test_section_and_due_list_render(world, app, project):
    today = _today()
    _add(world, project, followed_on=today - timedelta(days=9), next_action_due=today - timedelta(days=2),
         notes="<b>对方</b>关注电价")
    with app.test_request_context("/"):
        html = render_template_string("{% include 'followups/_section.html' %}", project=project,
                                      **page.section_context(world.staff_a, project))
        assert "&lt;b&gt;对方&lt;/b&gt;关注电价" in html and "已逾期" in html and "电话" in html
        assert f'action="/projects/{project.id}/followups"' in html and "李晓燕" in html

        viewer_html = render_template_string("{% include 'followups/_section.html' %}", project=project,
                                             **page.section_context(world.viewer, project))
        assert "关注电价" in viewer_html and "followups/" not in viewer_html.split("</table>")[-1]
        assert "/edit" not in viewer_html

        due_html = render_template_string("{% include 'followups/_due_list.html' %}",
                                          due_follow_ups=services.due_follow_ups(world.staff_a, today))
        assert f'href="/projects/{project.id}#followups"' in due_html and "text-danger" in due_html
        assert "已逾期 2 天" in due_html
