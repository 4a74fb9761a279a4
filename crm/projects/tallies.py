"""Project tallies: live projects and their investment per (unit, stage, status), kept by every flush.

Why here and not in each service: a project's unit, stage, status, amount or archive state is set by
several services (records, transitions, transfers, archive and restore, corrections) and by tests'
factories; one flush listener sees all of them, so the tally cannot miss a path. Deltas are applied
as increments after each flush, keys in a fixed order (two transactions never wait for each other's
rows in opposite orders), and the row lock (PostgreSQL) or the write lock (SQLite) serialises two
concurrent changes to the same tally: neither increment is lost.

Bulk loads that bypass the ORM (the benchmark generator) call `rebuild_tallies()` afterwards; so can
an operator (`flask projects recount`), and tests check the tally equals a GROUP BY of the projects.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, event, func, insert, inspect, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm.projects.models import Project, ProjectTally

TRACKED = ("unit_id", "stage", "status", "total_investment_wan", "archived_at")


def _new_pending() -> defaultdict:
    return defaultdict(lambda: [0, Decimal(0)])  # key → [projects, investment] to add


def _counted():
    """The tallies as the projects are now: (unit, stage, status, projects, investment) per key."""
    return (select(Project.unit_id, Project.stage, Project.status, func.count(),
                   func.coalesce(func.sum(Project.total_investment_wan), 0))
            .where(Project.archived_at.is_(None)).group_by(Project.unit_id, Project.stage, Project.status))


def _code(value) -> str:
    return str(getattr(value, "value", value))


def _key_and_amount(values: dict):
    """The tally a project with these values counts in, and its amount; (None, 0) when archived."""
    if values["archived_at"] is not None:
        return None, Decimal(0)
    return (values["unit_id"], _code(values["stage"]), _code(values["status"])), Decimal(values["total_investment_wan"] or 0)


def _before(session: Session, project: Project) -> dict:
    """The values the database holds for `project` (before this flush writes it)."""
    state = inspect(project)
    values, unknown = {}, []
    for name in TRACKED:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.unchanged:
            values[name] = history.unchanged[0]
        elif not history.added:
            values[name] = getattr(project, name)  # not loaded and not set: unchanged
        else:
            unknown.append(name)  # set without ever being loaded: ask the database
    if unknown:
        columns = [getattr(Project, name) for name in unknown]
        row = session.connection().execute(select(*columns).where(Project.id == project.id)).one()
        values.update(zip(unknown, row, strict=True))
    return values


def _changed(project: Project) -> bool:
    # `unit` too: a transfer may set the relationship, whose unit_id only the flush fills in.
    state = inspect(project)
    return any(state.attrs[name].history.has_changes() for name in (*TRACKED, "unit"))


def _add(pending: dict, values: dict, sign: int) -> None:
    key, amount = _key_and_amount(values)
    if key is not None:
        pending[key][0] += sign
        pending[key][1] += sign * amount


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context, instances) -> None:
    # The before-values are read now, while the attribute history holds them; the after-values once
    # the flush has written the row (a new project's unit_id is filled in only by the flush).
    info = session.info
    for obj in session.new:
        if isinstance(obj, Project):
            info.setdefault("tally_after", []).append(obj)
    for obj in session.dirty:
        if isinstance(obj, Project) and _changed(obj):
            _add(info.setdefault("tally_pending", _new_pending()), _before(session, obj), -1)
            info.setdefault("tally_after", []).append(obj)
    for obj in session.deleted:
        if isinstance(obj, Project):
            _add(info.setdefault("tally_pending", _new_pending()), _before(session, obj), -1)


def _add_to_tally(connection, key: tuple, count: int, amount: Decimal) -> None:
    """Add a change to one tally. The first project of a (unit, stage, status) has no row yet: the row
    is then inserted with that key's count as this transaction sees the projects (which also mends a
    tally that missed rows loaded past the ORM). Two transactions adding a key's first projects at
    once: the second waits for the first's row and then adds its own change to it."""
    unit_id, stage, status = key
    where = (ProjectTally.unit_id == unit_id, ProjectTally.stage == stage, ProjectTally.status == status)
    changed = connection.execute(update(ProjectTally).where(*where).values(
        projects=ProjectTally.projects + count, investment_wan=ProjectTally.investment_wan + amount))
    if changed.rowcount:
        return
    make = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    counted = (select(literal(unit_id), literal(stage), literal(status), func.count(),
                      func.coalesce(func.sum(Project.total_investment_wan), 0))
               .where(Project.unit_id == unit_id, Project.stage == stage, Project.status == status,
                      Project.archived_at.is_(None)))
    stmt = make(ProjectTally).from_select(["unit_id", "stage", "status", "projects", "investment_wan"], counted)
    connection.execute(stmt.on_conflict_do_update(
        index_elements=["unit_id", "stage", "status"],
        set_={"projects": ProjectTally.projects + count, "investment_wan": ProjectTally.investment_wan + amount}))


@event.listens_for(Session, "after_flush")
def _apply(session: Session, flush_context) -> None:
    pending = session.info.pop("tally_pending", None) or _new_pending()
    for obj in session.info.pop("tally_after", []):
        _add(pending, {name: getattr(obj, name) for name in TRACKED}, +1)
    # Keys in a fixed order: two transactions never take the same tally rows in opposite orders.
    for key, (count, amount) in sorted(pending.items()):
        if count or amount:
            _add_to_tally(session.connection(), key, count, amount)


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction) -> None:
    session.info.pop("tally_pending", None)
    session.info.pop("tally_after", None)


def rebuild_tallies(session: Session) -> int:
    """Recount every tally from the projects (after a bulk load, or to check); returns the rows written."""
    session.execute(delete(ProjectTally))
    session.execute(insert(ProjectTally).from_select(
        ["unit_id", "stage", "status", "projects", "investment_wan"], _counted()))
    return session.scalar(select(func.count()).select_from(ProjectTally))


def tallies_match(session: Session) -> bool:
    """Do the tallies equal a fresh count of the projects (zero rows aside)?"""
    kept = {(r.unit_id, _code(r.stage), _code(r.status)): (r.projects, Decimal(r.investment_wan))
            for r in session.scalars(select(ProjectTally)) if r.projects or r.investment_wan}
    counted = {(u, _code(st), _code(s)): (n, Decimal(a)) for u, st, s, n, a in session.execute(_counted())}
    return kept == counted
