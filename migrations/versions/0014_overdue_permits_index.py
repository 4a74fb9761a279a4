"""overdue permits index: only the open required permits

Revision ID: 0014_overdue_permits_index
Revises: 0013_attachment_owners
Create Date: 2026-11-23 11:50:00.000000

At 100,000 projects the home page's overdue-permits list and its count read every permit
(0012's (done_date, due_date) index was not used: `required` filtered after it) — 45 ms of the
leader's home page. A partial index on the open required permits holds a few thousand rows.
Written by hand; the predicate matches the query's text on each database (SQLite compares
booleans as 1, PostgreSQL as true).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_overdue_permits_index'
down_revision = '0013_attachment_owners'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_permits_open_due', table_name='permits')
    op.create_index('ix_permits_overdue', 'permits', ['due_date', 'id'], unique=False,
                    sqlite_where=sa.text('required IS 1 AND done_date IS NULL'),
                    postgresql_where=sa.text('required IS true AND done_date IS NULL'))


def downgrade():
    op.drop_index('ix_permits_overdue', table_name='permits')
    op.create_index('ix_permits_open_due', 'permits', ['done_date', 'due_date'], unique=False)
