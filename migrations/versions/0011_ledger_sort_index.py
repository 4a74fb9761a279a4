"""ledger sort index: projects by their latest change

Revision ID: 0011_ledger_sort_index
Revises: 0009_payouts
Create Date: 2026-11-23 10:10:00.000000

Written by hand. The ledger, the API list and the export order projects by (updated_at, id),
newest first; without an index every page sorted the whole table (issue 9).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011_ledger_sort_index'
down_revision = '0009_payouts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_projects_updated', 'projects', ['updated_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_projects_updated', table_name='projects')
