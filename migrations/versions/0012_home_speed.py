"""home speed: projects keep the date of their latest follow-up; indexes for the home page's lists

Revision ID: 0012_home_speed
Revises: 0011_ledger_sort_index
Create Date: 2026-11-23 11:00:00.000000

Written by hand (issue 9). The stalled-in-talks list looked up each candidate's latest follow-up
(twice) in follow_ups; the project now carries `last_follow_up_on`, kept by the follow-up services,
filled here from the live (not archived) follow-ups. The index behind that list, one for the open permits
by due date, and a partial index for the screenings waiting for a sign-off (oldest first).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012_home_speed'
down_revision = '0011_ledger_sort_index'
branch_labels = None
depends_on = None

PENDING = "signed_at IS NULL AND superseded_at IS NULL"


def upgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('last_follow_up_on', sa.Date(), nullable=True))
    # One statement, whatever the number of projects; the same rule as the services' recompute.
    op.execute("UPDATE projects SET last_follow_up_on = (SELECT max(f.followed_on) FROM follow_ups f "
               "WHERE f.project_id = projects.id AND f.archived_at IS NULL)")
    op.create_index('ix_projects_stage_follow_up', 'projects', ['stage', 'status', 'last_follow_up_on'], unique=False)
    op.create_index('ix_permits_open_due', 'permits', ['done_date', 'due_date'], unique=False)
    op.create_index('ix_screenings_pending', 'screenings', ['created_at', 'id'], unique=False,
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))


def downgrade():
    op.drop_index('ix_screenings_pending', table_name='screenings')
    op.drop_index('ix_permits_open_due', table_name='permits')
    op.drop_index('ix_projects_stage_follow_up', table_name='projects')
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('last_follow_up_on')
