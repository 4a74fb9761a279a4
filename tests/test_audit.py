"""Every change is kept: who, when, from where, before and after (DOMAIN.md §8)."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from crm.admin import services
from crm.audit.models import AuditEntry
from crm.audit.services import history_for, set_actor
from crm.extensions import db


def test_insert_update_archive_are_recorded_with_actor_and_fields(world):
    set_actor(world.admin.id, "cli", "test")
    unit = services.create_unit(world.admin, {"name": "青石镇", "kind": "town", "parent_id": world.bureau.id})
    db.session.commit()
    services.update_unit(world.admin, unit, {"name": "青石镇人民政府", "location": "城南"}, unit.version)
    db.session.commit()
    services.archive_unit(world.admin, unit, unit.version)
    db.session.commit()

    entries = history_for(unit)
    assert [e.action for e in entries] == ["insert", "update", "archive"]
    assert all(e.actor_id == world.admin.id and e.source == "cli" for e in entries)
    assert entries[0].changes["name"] == [None, "青石镇"]
    assert entries[1].changes == {"name": ["青石镇", "青石镇人民政府"], "location": [None, "城南"]}
    assert entries[2].changes["archived_at"][0] is None and entries[2].changes["archived_at"][1]


def test_a_rolled_back_change_leaves_no_entry(world):
    before = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    services.create_unit(world.admin, {"name": "临时单位", "kind": "town"})
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == before


def test_web_changes_are_recorded_as_web_with_the_user(world, auth, client):
    auth.login("admin")
    response = auth.post_form(f"/admin/units/{world.unit_b.id}", {
        "name": "驻上海招商组", "kind": "resident_team", "parent_id": str(world.bureau.id),
        "location": "上海市浦东新区", "version": "1",
    })
    assert response.status_code == 302
    entry = history_for(world.unit_b)[-1]
    assert (entry.action, entry.actor_id, entry.source) == ("update", world.admin.id, "web")
    assert entry.origin == f"POST /admin/units/{world.unit_b.id}"
    assert entry.changes == {"location": ["上海市", "上海市浦东新区"]}
    page = client.get(f"/admin/units/{world.unit_b.id}")
    assert "上海市浦东新区" in page.text and "系统管理员" in page.text and "修改" in page.text
    assert "所在地" in page.text and "网页" in page.text  # labels a bureau officer reads, not column names
    assert "<code>location</code>" not in page.text and "location：" not in page.text


def test_passwords_never_reach_the_audit_trail(world):
    services.reset_password(world.admin, world.staff_a, "Another2026")
    db.session.commit()
    entry = history_for(world.staff_a)[-1]
    assert entry.changes["password_hash"] == ["***", "***"]
    assert "pbkdf2" not in str(entry.changes) and "scrypt" not in str(entry.changes)


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET action = 'update'", "DELETE FROM audit_entries"])
def test_the_audit_table_is_append_only_in_the_database(world, statement):
    services.create_unit(world.admin, {"name": "审计测试", "kind": "town"})
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) >= 1


def test_chain_division_changes_are_recorded(world):
    from crm.reference.services import create_chain, update_chain

    chain = create_chain(world.admin, {"name": "新材料", "division_codes": ["26"]})
    db.session.commit()
    update_chain(world.admin, chain, {"division_codes": ["26", "30"]}, chain.version)
    db.session.commit()
    assert history_for(chain)[-1].changes == {"division_codes": [["26"], ["26", "30"]]}
