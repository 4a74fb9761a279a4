"""Bulk rows into tables with SQLAlchemy Core: defaults filled from the table, batches, sequences.

Rows are built from each table's own columns, so a NOT NULL column added later (a `version`, a
timestamp) gets a sensible value here instead of breaking the generator.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, insert, text

BATCH = 5_000
NOW = datetime.now(UTC)


def _default(column, row: dict):
    if column.name == "version":
        return 1
    if isinstance(column.type, DateTime) and column.name in ("created_at", "updated_at"):
        return row.get("created_at") or NOW
    if column.nullable or column.primary_key:
        return None
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, DateTime):
        return row.get("created_at") or NOW
    if isinstance(column.type, String):
        return ""
    return None


def complete(table, rows: list[dict]) -> list[dict]:
    """Give every row every column of the table (the same key set for executemany)."""
    if not rows:
        return rows
    for column in table.columns:
        for row in rows:
            if column.name not in row:
                row[column.name] = _default(column, row)
    return rows


class Writer:
    """Inserts row lists table by table and keeps counts and seconds per table."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def write(self, table, rows: list[dict]) -> None:
        if not rows:
            return
        began = time.perf_counter()
        complete(table, rows)
        if self.connection.dialect.name == "postgresql" and self.connection.dialect.driver == "psycopg":
            self._copy(table, rows)
        else:
            for start in range(0, len(rows), BATCH):
                self.connection.execute(insert(table), rows[start:start + BATCH])
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + time.perf_counter() - began

    def _copy(self, table, rows: list[dict]) -> None:
        """PostgreSQL: COPY through psycopg on the session's own connection (same transaction),
        several times faster than multi-row INSERTs. JSON is serialised as SQLAlchemy would."""
        names = [c.name for c in table.columns]
        as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
        cursor = self.connection.connection.driver_connection.cursor()
        columns = ", ".join(f'"{n}"' for n in names)
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n]) if n in as_json and row[n] is not None else row[n]
                                for n in names])

    def reset_sequences(self, tables) -> None:
        """Explicit ids leave PostgreSQL's sequences behind: move them past the largest id."""
        if self.connection.dialect.name != "postgresql":
            return
        for table in tables:
            if "id" in table.c and isinstance(table.c.id.type, Integer):
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
