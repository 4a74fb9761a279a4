"""SQLite transactions that queue writers, so the embedded default is as safe as PostgreSQL.

Python's sqlite3 opens a transaction only at the first INSERT/UPDATE/DELETE, and a DEFERRED one:
two requests that both read a screening and then both sign it either both succeed (the later
silently replaces the earlier verdict) or collide with "database is locked". So we take BEGIN
over (SQLAlchemy's documented pysqlite recipe):

* a request that may write (POST/PUT/PATCH/DELETE) and every CLI command start their
  transaction with BEGIN IMMEDIATE, taking SQLite's write lock before the first read. Writers
  queue (up to the busy timeout) and each reads what the one before it committed, so the
  services' ordinary checks ("已签批", version numbers) refuse the second of two racing writers;
* a reading request (GET/HEAD) reads outside a transaction as before and never blocks a writer;
  should it write after all (the API token's last-use time), BEGIN IMMEDIATE comes just before
  its first write.

PostgreSQL needs none of this: there the version columns (UPDATE ... WHERE version = ?) and row
locks refuse the second writer. A lock still held past the busy timeout is answered with 503
by `crm.core.web`, never a 500.
"""

from __future__ import annotations

import click
from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from crm.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that need the write lock (SAVEPOINT: SQLite would open a DEFERRED transaction for it).
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "SAVEPOINT")
# How long a writer waits for the one before it (the demo loader holds the lock for seconds).
DEFAULT_BUSY_TIMEOUT_MS = 15_000


def writes_expected() -> bool:
    """Does the current unit of work (a request, a CLI command) mean to change data?"""
    if has_request_context():
        return request.method not in READ_METHODS
    return click.get_current_context(silent=True) is not None


def _is_write(statement: str) -> bool:
    return statement.lstrip()[:9].upper().startswith(WRITES)


def serialize_sqlite_writers(engine: Engine, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
    """Install the BEGIN handling above on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # sqlite3 emits no BEGIN of its own: we do
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if writes_expected():
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _write_lock_before_first_write(conn, cursor, statement, parameters, context, executemany):
        raw = cursor.connection
        if not raw.in_transaction and _is_write(statement):
            raw.execute("BEGIN IMMEDIATE")


def init_transactions(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        serialize_sqlite_writers(engine, int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS)))
