"""The audit trail a project's life would have left: what crm/audit/services.py writes per change."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

from crm.audit.services import IGNORED_FIELDS, INSERT_SKIPPED

SKIPPED = INSERT_SKIPPED | IGNORED_FIELDS
WEB_ORIGINS = {"projects": "POST /projects/new", "project_contacts": "POST /projects/new",
               "follow_ups": "POST /projects/{pid}/follow-ups", "screenings": "POST /projects/{pid}/screenings",
               "permits": "POST /permits/{id}/done"}
UPDATE_ORIGINS = {"projects": "POST /projects/{pid}/transitions", "screenings": "POST /screenings/{id}/sign",
                  "permits": "POST /permits/{id}/done", "follow_ups": "POST /follow-ups/{id}/done"}


def jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class AuditTrail:
    """Collects one project's entries; `rows` numbers them in the order they happened."""

    def __init__(self, rng: random.Random, actor_id: int, project_id: int) -> None:
        self.rng, self.actor_id, self.project_id, self.entries = rng, actor_id, project_id, []
        self.api = rng.random() < 0.15  # some units feed the system through the API

    def insert(self, table: str, row: dict, when: datetime) -> None:
        changes = {k: [None, jsonable(v)] for k, v in row.items() if v is not None and k not in SKIPPED}
        self._add(table, row["id"], "insert", changes, when, None)

    def update(self, table: str, record_id: int, changes: dict, when: datetime, actor: int | None = None) -> None:
        if changes:
            self._add(table, record_id, "update", {k: [jsonable(a), jsonable(b)] for k, (a, b) in changes.items()},
                      when, actor)

    def updates_of(self, table: str, record_id: int) -> int:
        return sum(1 for e in self.entries if e["record_type"] == table and e["record_id"] == record_id
                   and e["action"] == "update")

    def _add(self, table, record_id, action, changes, when, actor) -> None:
        api = self.api and self.rng.random() < 0.8
        if "jobs" in changes:
            origin = "POST /projects/{pid}/edit"
        else:
            origin = (WEB_ORIGINS if action == "insert" else UPDATE_ORIGINS).get(table, "POST /projects/{pid}/transitions")
        origin = (f"{'POST' if action == 'insert' else 'PATCH'} /api/v1/{table}" if api
                  else origin.format(pid=self.project_id, id=record_id))
        self.entries.append({"record_type": table, "record_id": record_id, "action": action,
                             "actor_id": actor or self.actor_id, "source": "api" if api else "web",
                             "origin": origin, "changes": changes, "created_at": when})

    def rows(self, city) -> list[dict]:
        self.entries.sort(key=lambda e: e["created_at"])
        for entry in self.entries:
            entry["id"] = city.new_id("audit_entries")
        return self.entries


class Trail:
    """Entries of records outside a project's walk (trips, payouts): each names its own actor and
    origin, the route the app records for that step."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.entries = rng, []

    def insert(self, table: str, row: dict, when: datetime, actor: int, origin: str) -> None:
        changes = {k: [None, jsonable(v)] for k, v in row.items() if v is not None and k not in SKIPPED}
        self._add(table, row["id"], "insert", changes, when, actor, origin)

    def update(self, table: str, row: dict, changes: dict, when: datetime, actor: int, origin: str) -> None:
        """Apply `changes` (field → new value) to `row` and record the before/after that differ."""
        diff = {k: [jsonable(row.get(k)), jsonable(v)] for k, v in changes.items() if row.get(k) != v}
        row.update(changes)
        if "version" in row:
            row["version"] = (row["version"] or 1) + 1
        if "updated_at" in row:
            row["updated_at"] = when
        if diff:
            self._add(table, row["id"], "update", diff, when, actor, origin)

    def _add(self, table, record_id, action, changes, when, actor, origin) -> None:
        self.entries.append({"record_type": table, "record_id": record_id, "action": action, "actor_id": actor,
                             "source": "web", "origin": origin, "changes": changes,
                             "created_at": when})

    def rows(self, city) -> list[dict]:
        self.entries.sort(key=lambda e: e["created_at"])
        for entry in self.entries:
            entry["id"] = city.new_id("audit_entries")
        rows, self.entries = self.entries, []
        return rows
