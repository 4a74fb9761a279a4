"""Count the SQL statements a block issues (for N+1 checks)."""

from contextlib import contextmanager

from sqlalchemy import event

from crm.extensions import db


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
