"""race guards: row versions on screenings and attachments

Revision ID: 0006_race_guards
Revises: 0004_screening_policies
Create Date: 2026-11-23 12:00:00.000000


Written by hand. Screenings and attachments get the optimistic-locking `version` every other
business record has (UPDATE ... WHERE version = ?), so two people signing the same screening or
archiving the same attachment at the same moment cannot both succeed, on PostgreSQL as on
SQLite. Existing rows start at version 1 (the server default, as for the JSON columns of 0004).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_race_guards'
down_revision = '0005_auth_sessions'
branch_labels = None
depends_on = None

TABLES = ('screenings', 'attachments')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
