"""home tallies: project counts kept per unit, stage and status; covering indexes for the stalled lists

Revision ID: 0016_home_tallies
Revises: 0015_current_screening
Create Date: 2026-11-23 16:00:00.000000

Written by hand (issue 9: the leader's home page, 257 ms at 100,000 projects on PostgreSQL).
* project_tallies: live projects and their investment per (unit, stage, status), filled here from
  the projects in one statement and kept by crm/projects/tallies.py on every flush; the stage
  figures read it instead of grouping every project (30 ms).
* The stalled lists' counts and rows come from indexes alone: the projects' stage index gains
  archived_at, created_at and id; the transitions a partial index of the approvals; the contracts'
  project index the live contract's agreed start; the overdue-permits and pending-screenings
  indexes project_id.
* ix_projects_created: the "entered this year" figures as one range.
* ix_projects_parent_project_id: the project page's possible duplicates leave out the project's own
  capital increases, which read all 100,000 projects without it (19 ms of the page).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_home_tallies'
down_revision = '0015_current_screening'
branch_labels = None
depends_on = None

STAGES = "'talks', 'approved', 'signed', 'started', 'producing'"
STATUSES = "'active', 'on_hold', 'dropped'"
FILL = ("INSERT INTO project_tallies (unit_id, stage, status, projects, investment_wan) "
        "SELECT unit_id, stage, status, count(*), coalesce(sum(total_investment_wan), 0) FROM projects "
        "WHERE archived_at IS NULL GROUP BY unit_id, stage, status")
APPROVALS = "to_stage = 'approved' AND kind = 'advance'"
PENDING = 'signed_at IS NULL AND superseded_at IS NULL'
OVERDUE_SQLITE, OVERDUE_PG = 'required IS 1 AND done_date IS NULL', 'required IS true AND done_date IS NULL'


def upgrade():
    op.create_table(
        'project_tallies',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('projects', sa.Integer(), nullable=False),
        sa.Column('investment_wan', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.CheckConstraint(f"stage IN ({STAGES})", name=op.f('ck_project_tallies_stage')),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f('ck_project_tallies_status')),
        sa.CheckConstraint('projects >= 0', name=op.f('ck_project_tallies_projects_not_negative')),
        sa.CheckConstraint('investment_wan >= 0', name=op.f('ck_project_tallies_investment_not_negative')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_project_tallies_unit_id_units')),
        sa.PrimaryKeyConstraint('unit_id', 'stage', 'status', name=op.f('pk_project_tallies')),
    )
    op.execute(FILL)
    op.drop_index('ix_projects_stage_follow_up', table_name='projects')
    op.create_index('ix_projects_stage_follow_up', 'projects',
                    ['stage', 'status', 'archived_at', 'last_follow_up_on', 'created_at', 'id'])
    op.create_index('ix_projects_created', 'projects', ['created_at', 'archived_at', 'status', 'total_investment_wan'])
    op.create_index('ix_projects_parent_project_id', 'projects', ['parent_project_id'])
    op.create_index('ix_project_transitions_approvals', 'project_transitions', ['project_id', 'effective_date'],
                    sqlite_where=sa.text(APPROVALS), postgresql_where=sa.text(APPROVALS))
    op.drop_index('ix_screenings_pending', table_name='screenings')
    op.create_index('ix_screenings_pending', 'screenings', ['created_at', 'id', 'project_id'],
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.drop_index('ix_contracts_project_id', table_name='contracts')
    op.create_index('ix_contracts_project_id', 'contracts', ['project_id', 'voided_by_id', 'agreed_start_date'])
    op.drop_index('ix_permits_overdue', table_name='permits')
    op.create_index('ix_permits_overdue', 'permits', ['due_date', 'id', 'project_id'],
                    sqlite_where=sa.text(OVERDUE_SQLITE), postgresql_where=sa.text(OVERDUE_PG))


def downgrade():
    op.drop_index('ix_permits_overdue', table_name='permits')
    op.create_index('ix_permits_overdue', 'permits', ['due_date', 'id'],
                    sqlite_where=sa.text(OVERDUE_SQLITE), postgresql_where=sa.text(OVERDUE_PG))
    op.drop_index('ix_contracts_project_id', table_name='contracts')
    op.create_index('ix_contracts_project_id', 'contracts', ['project_id'])
    op.drop_index('ix_screenings_pending', table_name='screenings')
    op.create_index('ix_screenings_pending', 'screenings', ['created_at', 'id'],
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.drop_index('ix_project_transitions_approvals', table_name='project_transitions')
    op.drop_index('ix_projects_parent_project_id', table_name='projects')
    op.drop_index('ix_projects_created', table_name='projects')
    op.drop_index('ix_projects_stage_follow_up', table_name='projects')
    op.create_index('ix_projects_stage_follow_up', 'projects', ['stage', 'status', 'last_follow_up_on'])
    op.drop_table('project_tallies')
