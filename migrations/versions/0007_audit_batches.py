"""audit batches: one id per request or command on every audit entry

Revision ID: 0007_audit_batches
Revises: 0006_race_guards
Create Date: 2026-11-23 09:10:00.000000


Written by hand. The flush hook stamps every audit entry with the batch of the request or CLI
command that wrote it, so the history can show one user action (a move: its transition, its gate
record and the project update) as one entry. Entries written before this revision, or by a bulk
generator that does not set it, keep NULL and show one entry each.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_audit_batches'
down_revision = '0006_race_guards'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite batch mode copies the table, which would drop the
# triggers that keep the audit trail append-only (0001). SQLite adds and drops a column in place.
def upgrade():
    op.add_column('audit_entries', sa.Column('batch', sa.String(length=32), nullable=True))
    op.create_index('ix_audit_entries_batch', 'audit_entries', ['batch'], unique=False)


def downgrade():
    op.drop_index('ix_audit_entries_batch', table_name='audit_entries')
    op.drop_column('audit_entries', 'batch')
