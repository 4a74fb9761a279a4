"""Admins manage users, units and reference lists; bad input is explained and changes nothing."""

import pytest
from sqlalchemy import func, select

from crm.auth.models import User
from crm.extensions import db
from crm.reference.models import Chain, ListItem
from crm.units.models import Unit


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _new_user(auth, **overrides):
    data = {"username": "zhao_lei", "name": "赵磊", "role": "staff", "unit_id": "", "phone": "", "email": "",
            "active": "y", "password": "Start2026ok"}
    return auth.post_form("/admin/users/new", {**data, **overrides})


def test_admin_creates_a_user_who_can_then_sign_in(world, auth, client):
    auth.login("admin")
    response = _new_user(auth, unit_id=str(world.unit_a.id))
    assert response.status_code == 302
    assert "赵磊" in client.get("/admin/users").text
    auth.logout()
    assert auth.login("zhao_lei", "Start2026ok").status_code == 302


@pytest.mark.parametrize("overrides,message", [
    ({"username": "staff_a", "unit_id": "1"}, "用户名已存在。"),
    ({}, "请选择所属单位。"),  # staff without a unit
    ({"unit_id": "1", "password": "weak"}, "密码至少 8 位，须同时包含字母和数字。"),
    ({"unit_id": "1", "username": "bad name!"}, "用户名只能包含字母、数字、下划线、点和连字符。"),
    ({"unit_id": "1", "email": "not-an-email"}, "邮箱格式不正确。"),
    ({"unit_id": "1", "name": "名" * 65}, "最多 64 个字符（现有 65 个）"),
    ({"unit_id": "99999"}, "请选择有效的单位。"),
])
def test_bad_user_input_is_explained_and_nothing_is_created(world, auth, overrides, message):
    auth.login("admin")
    before = _count(User)
    response = _new_user(auth, **overrides)
    assert response.status_code == 200
    assert message in response.text
    assert _count(User) == before


def test_stale_edit_is_a_conflict_and_overwrites_nothing(world, auth):
    auth.login("admin")
    url = f"/admin/units/{world.unit_a.id}"
    form = {"name": "先进制造组（甲）", "kind": "chain_team", "parent_id": str(world.bureau.id), "location": "",
            "version": "1"}
    assert auth.post_form(url, form).status_code == 302  # first editor wins, version becomes 2
    response = auth.post_form(url, {**form, "name": "先进制造组（乙）"})  # second editor still holds version 1
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.text
    db.session.refresh(world.unit_a)
    assert world.unit_a.name == "先进制造组（甲）" and world.unit_a.version == 2


def test_unit_cannot_become_its_own_ancestor(world, auth):
    auth.login("admin")
    response = auth.post_form(f"/admin/units/{world.bureau.id}", {
        "name": world.bureau.name, "kind": "bureau", "parent_id": str(world.unit_a.id), "location": "", "version": "1"})
    assert "上级单位不能是本单位或其下级单位。" in response.text
    db.session.refresh(world.bureau)
    assert world.bureau.parent_id is None


def test_unit_with_people_cannot_be_archived(world, auth):
    auth.login("admin")
    auth.post_form(f"/admin/units/{world.unit_b.id}/archive", {"version": "1"}, form_page=f"/admin/units/{world.unit_b.id}")
    db.session.refresh(world.unit_b)
    assert world.unit_b.archived_at is None


def test_archiving_a_user_keeps_the_record_and_blocks_sign_in(world, auth, client):
    auth.login("admin")
    auth.post_form(f"/admin/users/{world.staff_b.id}/archive", {"version": "1"}, form_page=f"/admin/users/{world.staff_b.id}")
    db.session.refresh(world.staff_b)
    assert world.staff_b.archived_at is not None and db.session.get(User, world.staff_b.id) is not None
    auth.logout()
    assert "该账号已停用" in auth.login("staff_b").text


def test_admin_cannot_lock_themselves_out(world, auth):
    auth.login("admin")
    response = auth.post_form(f"/admin/users/{world.admin.id}", {
        "username": "admin", "name": "系统管理员", "role": "leader", "unit_id": str(world.bureau.id),
        "active": "y", "version": "1"})
    assert "不能取消自己的管理员角色或停用自己的账号。" in response.text
    db.session.refresh(world.admin)
    assert world.admin.role == "admin"


def test_names_are_escaped_not_executed(world, auth, client):
    auth.login("admin")
    auth.post_form("/admin/units/new", {"name": "<script>alert(1)</script>", "kind": "town", "parent_id": "",
                                        "location": ""})
    page = client.get("/admin/units").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_admin_manages_chains(world, auth, client):
    auth.login("admin")
    response = auth.post_form("/reference/chains/new", {"name": "生物医药", "description": "化学药与医疗器械",
                                                        "division_codes": ["27", "35"], "sort_order": "1"})
    assert response.status_code == 302
    chain = db.session.scalar(select(Chain))
    assert chain.division_codes == ["27", "35"]
    assert "27 医药制造业" in client.get("/reference/chains").text


def test_chain_without_divisions_is_refused(world, auth):
    auth.login("admin")
    response = auth.post_form("/reference/chains/new", {"name": "空链", "sort_order": "0"})
    assert "至少选择一个大类。" in response.text
    assert _count(Chain) == 0


def test_admin_edits_the_negative_list(world, auth, client):
    from crm.reference.services import seed_default_lists

    seed_default_lists()
    db.session.commit()
    auth.login("admin")
    page = client.get("/reference/lists/negative_list").text
    assert "产能严重过剩的" in page
    auth.post_form("/reference/lists/negative_list", {"code": "land_idle", "label": "长期圈地闲置的", "sort_order": "6"})
    item = db.session.scalar(select(ListItem).where(ListItem.code == "land_idle"))
    assert item.label == "长期圈地闲置的"
    auth.post_form(f"/reference/lists/item/{item.id}/archive", {"version": "1"},
                   form_page=f"/reference/lists/item/{item.id}")
    db.session.refresh(item)
    assert item.archived_at is not None  # archived, never erased


def test_duplicate_list_code_is_refused(world, auth):
    from crm.reference.services import seed_default_lists

    seed_default_lists()
    db.session.commit()
    auth.login("admin")
    before = _count(ListItem)
    response = auth.post_form("/reference/lists/drop_reason", {"code": "other", "label": "另一个其他"})
    assert "该代码已存在。" in response.text and _count(ListItem) == before


def test_unit_list_does_not_query_per_row(world, auth, client, app):
    from tests.querycount import count_queries

    for i in range(30):
        db.session.add(Unit(name=f"乡镇{i}", kind="town", parent_id=world.bureau.id))
    db.session.commit()
    auth.login("admin")
    with count_queries() as queries:
        assert client.get("/admin/units").status_code == 200
    few = len(queries)
    for i in range(30, 90):
        db.session.add(Unit(name=f"乡镇{i}", kind="town", parent_id=world.bureau.id))
    db.session.commit()
    with count_queries() as queries:
        client.get("/admin/units")
    assert len(queries) == few <= 8
