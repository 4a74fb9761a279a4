"""funnel speed: a period's transitions by business date

Revision ID: 0012_funnel_speed
Revises: 0011_ledger_sort_index
Create Date: 2026-11-23 11:05:00.000000

Written by hand. The funnel reads the advances of a period (this year and the same period last
year) and walks only the histories of the projects that moved in it; without an index on the
business date each report scanned every transition (issue 11).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_funnel_speed'
down_revision = '0011_ledger_sort_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_project_transitions_day', 'project_transitions', ['effective_date', 'kind', 'project_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_project_transitions_day', table_name='project_transitions')
