"""Issue 9: the screened-projects table reads a maintained "current screening" flag (`is_current`)
instead of grouping every screening on each request. These tests check that the flag always names
the screening the rule of crm/screening/current.py names (the newest one not superseded), that the
migration fills it by the same rule, that the table shows the same rows in the same order as the
grouping did, and that the page's statements do not grow with the data."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from crm.audit.models import AuditEntry
from crm.demo.policies import CITY
from crm.extensions import db
from crm.projects.models import Project
from crm.reference.services import seed_default_lists
from crm.screening import policies as policy_rules
from crm.screening.current import current_screening
from crm.screening.models import Screening
from crm.screening.services import SORT_KEYS, decide, prepare_screening, screened_table
from tests.factories import ProjectFactory, signed_screening
from tests.querycount import count_queries

MIGRATION = Path(__file__).parent.parent / "migrations" / "versions" / "0015_current_screening.py"
SIGN = {"verdict": "pass", "comment": "同意", "negative_list_confirmed": True}


@pytest.fixture
def setup(world):
    seed_default_lists()
    policy_rules.create_policy(world.admin, CITY)
    db.session.commit()
    return world


def _flags(project) -> dict[int, bool]:
    db.session.expire_all()
    return dict(db.session.execute(select(Screening.id, Screening.is_current)
                                   .where(Screening.project_id == project.id)).all())


def _rule() -> dict[int, bool]:
    """The definition, evaluated from scratch: per project, the newest screening not superseded."""
    current = set(db.session.scalars(select(func.max(Screening.id)).where(Screening.superseded_at.is_(None))
                                     .group_by(Screening.project_id)))
    return {sid: sid in current for sid in db.session.scalars(select(Screening.id))}


def test_preparing_a_new_screening_moves_the_flag(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="旗标项目")
    draft = prepare_screening(setup.staff_a, project)
    db.session.commit()
    assert _flags(project) == {draft.id: True} and current_screening(project).id == draft.id
    second = prepare_screening(setup.staff_a, project)  # the unsigned draft is superseded
    db.session.commit()
    assert _flags(project) == {draft.id: False, second.id: True}
    assert db.session.get(Screening, draft.id).superseded_at is not None
    decide(setup.leader, second, SIGN)
    db.session.commit()
    third = prepare_screening(setup.staff_a, project)  # the signed one stays signed, no longer current
    db.session.commit()
    assert _flags(project) == {draft.id: False, second.id: False, third.id: True}
    signed = db.session.get(Screening, second.id)
    assert signed.superseded_at is None and signed.signed_at is not None
    assert current_screening(project).id == third.id and _flags(project).items() <= _rule().items()
    # Bookkeeping, not a business change: neither the audit trail nor the project's history shows it.
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "screenings")).all()
    assert entries and not any("is_current" in (e.changes or {}) for e in entries)
    auth.login("staff_a")
    page = client.get(f"/projects/{project.id}").text
    assert "is_current" not in page and "旗标项目" in page


def test_one_current_screening_per_project_even_past_the_services(setup):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    prepare_screening(setup.staff_a, project)
    db.session.commit()
    db.session.add(Screening(project_id=project.id, proposed_verdict="pass", created_by_id=setup.staff_a.id,
                             is_current=True))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _fill_statement() -> str:
    spec = importlib.util.spec_from_file_location("current_screening_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FILL


def test_the_migration_rule_matches_the_services(setup):
    """The data migration's UPDATE (0015_current_screening) and the services agree on every screening."""
    lone, redone, signed_then_new, factory_made = (ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
                                                   for _ in range(4))
    prepare_screening(setup.staff_a, lone)
    for _ in range(3):
        prepare_screening(setup.staff_a, redone)
    decide(setup.leader, prepare_screening(setup.staff_a, signed_then_new), SIGN)
    prepare_screening(setup.staff_a, signed_then_new)
    signed_screening(factory_made, setup.leader)
    signed_screening(factory_made, setup.leader, verdict="reject")
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)  # never screened
    db.session.commit()
    kept = dict(db.session.execute(select(Screening.id, Screening.is_current)).all())
    assert kept == _rule() and sum(kept.values()) == 4
    db.session.execute(text("UPDATE screenings SET is_current = false"))
    db.session.execute(text(_fill_statement()))
    db.session.expire_all()
    assert dict(db.session.execute(select(Screening.id, Screening.is_current)).all()) == kept


def _without_flag(stmt, newest):
    """`stmt` with its `is_current` condition replaced by the old grouping subquery."""
    criteria = [c for c in stmt._where_criteria if "is_current" not in str(c)]
    assert len(criteria) == len(stmt._where_criteria) - 1
    rebuilt = stmt.with_only_columns(Screening.id)
    rebuilt._where_criteria = (*criteria, Screening.id.in_(newest))
    return rebuilt


def test_the_table_lists_the_same_rows_in_the_same_order_as_the_grouping(setup):
    from decimal import Decimal

    projects = [ProjectFactory(unit=setup.unit_a if i % 3 else setup.unit_b, owner=setup.staff_a if i % 3 else setup.staff_b,
                               expected_annual_tax_wan=Decimal(1000 + 700 * (i % 4)))
                for i in range(9)]
    for i, project in enumerate(projects):
        actor = setup.staff_a if project.unit_id == setup.unit_a.id else setup.staff_b
        for _ in range(1 + i % 3):
            prepare_screening(actor, project)
        if i % 4 == 1:
            decide(setup.leader, current_screening(project), SIGN)
    signed_screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a), setup.leader)  # no score
    archived = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    prepare_screening(setup.staff_a, archived)
    db.session.execute(text("UPDATE projects SET archived_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": archived.id})
    db.session.commit()
    for actor in (setup.leader, setup.staff_a, setup.staff_b):
        for sort in SORT_KEYS:
            for desc in (True, False):
                newest = (select(func.max(Screening.id)).where(Screening.superseded_at.is_(None))
                          .group_by(Screening.project_id))
                before = list(db.session.scalars(_without_flag(screened_table(actor, sort, desc), newest)))
                after = [s.id for s in db.session.scalars(screened_table(actor, sort, desc))]
                assert after == before, (actor.username, sort, desc)
    leader_rows = [s.id for s in db.session.scalars(screened_table(setup.leader))]
    assert len(leader_rows) == 10 and db.session.get(Project, archived.id).archived_at is not None


def test_the_default_order_reads_its_index(setup):
    """The page's default statement is served by ix_screenings_current_score (checked on SQLite, whose
    planner uses an index on any table size; Alembic cannot compare this expression index there)."""
    if db.engine.dialect.name != "sqlite":
        names = set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'screenings'")))
        assert {"ix_screenings_current_score", "uq_screenings_current"} <= names
        return
    window = screened_table(setup.leader).limit(50)
    sql = str(window.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " | ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_screenings_current_score" in plan and "TEMP B-TREE" not in plan, plan


def _screened_city(setup, n: int) -> None:
    for _ in range(n):
        for unit, staff in ((setup.unit_a, setup.staff_a), (setup.unit_b, setup.staff_b)):
            project = ProjectFactory(unit=unit, owner=staff)
            prepare_screening(staff, project)
            decide(setup.leader, prepare_screening(staff, project), SIGN)
    db.session.commit()


@pytest.mark.parametrize("username", ["leader", "staff_a"])
def test_the_table_statements_do_not_grow_with_the_data(setup, auth, client, username):
    _screened_city(setup, 2)
    auth.login(username)
    client.get("/screenings")
    with count_queries() as few:
        assert client.get("/screenings").status_code == 200
    _screened_city(setup, 30)
    with count_queries() as many:
        page = client.get("/screenings")
    assert page.status_code == 200
    assert len(many) == len(few) <= 12, (username, len(few), len(many))
    assert ("共 64 条" if username == "leader" else "共 32 条") in page.text
