"""The history of a project, a trip or a payout reads the audit trail through ix_audit_entries_record
on both databases (issue 9: a shape one planner liked made the other scan 3.6 million entries); the
screenings table reads its default order from its index."""

from __future__ import annotations

from sqlalchemy import select, text

from crm.audit.models import AuditEntry
from crm.audit.present import owned_rows, records_condition
from crm.extensions import db
from crm.projects.page import history_condition
from crm.screening.services import screened_table
from crm.trips.models import TripTarget
from tests.factories import ProjectFactory


def _plan(condition) -> str:
    """SQLite: its query plan (its planner's use of an index does not depend on table sizes).
    PostgreSQL: the statement itself — on a test's tiny tables its planner rightly prefers other
    paths, so the test pins the shape measured at 100,000 projects (benchmarks/, README)."""
    stmt = select(AuditEntry.id).where(condition).order_by(AuditEntry.id.desc()).limit(50)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        return " | ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    return sql


def _assert_pair_look_ups(plan: str) -> None:
    """Every read of audit_entries is a look-up of (record type, id) on the index; on SQLite a look-up
    by record type alone (what a row-value IN gave) reads every entry of that type, and on PostgreSQL
    an OR of per-table IN conditions walked the primary key backwards through 3.6 million entries."""
    if db.engine.dialect.name == "sqlite":
        reads = [step for step in plan.split(" | ") if "audit_entries" in step]
        assert reads and all("ix_audit_entries_record (record_type=? AND record_id=?)" in step
                             for step in reads), plan
    else:
        assert "(audit_entries.record_type, audit_entries.record_id) IN" in plan, plan
        assert " OR " not in plan, plan


def test_project_and_trip_histories_are_index_look_ups(world):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    db.session.commit()
    plan = _plan(history_condition(project))
    _assert_pair_look_ups(plan)

    class Trip:  # any record: the condition only needs its table and id
        __tablename__, id = "trips", 1
    _assert_pair_look_ups(_plan(records_condition(Trip, owned_rows(TripTarget, TripTarget.trip_id == 1))))


def test_the_screenings_table_reads_its_default_order_from_the_index(world):
    """The default order (score high to low) is the expression of ix_screenings_current_score, with a
    literal 0: as a bound parameter it matched no index and SQLite sorted every current screening
    (140 ms at 100,000 projects, 0.1 ms from the index)."""
    stmt = screened_table(world.leader).limit(50)
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    assert "coalesce(screenings.score, 0) DESC" in sql, sql
    raw = str(stmt.compile(db.engine))  # as sent: the 0 stays a literal, not a parameter
    assert "coalesce(screenings.score, 0)" in raw, raw
    if db.engine.dialect.name == "sqlite":
        plan = " | ".join(row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "USING INDEX ix_screenings_current_score" in plan and "TEMP B-TREE" not in plan, plan
