"""current screening: a maintained is_current flag on screenings and the indexes the screened table uses

Revision ID: 0015_current_screening
Revises: 0014_overdue_permits_index
Create Date: 2026-11-30 10:00:00.000000

Written by hand (issue 9). The screened-projects table found each project's current screening with
max(id) GROUP BY project_id over every screening not superseded, on every request. The screening
services now keep `is_current` on the newest screening of a project not superseded (the rule of
crm/screening/current.py); it is filled here with that same rule in one statement. A partial unique
index allows one current screening per project (the backstop against two prepared at once), and a
partial expression index serves the table's default order, coalesce(score, 0) DESC, id DESC.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_current_screening'
down_revision = '0014_overdue_permits_index'
branch_labels = None
depends_on = None

# The rule of crm/screening/current.py in SQL (tests/test_screening_current.py checks it against the services).
FILL = ("UPDATE screenings SET is_current = (id IN (SELECT max(s.id) FROM screenings s "
        "WHERE s.superseded_at IS NULL GROUP BY s.project_id))")
# The predicate as each database's queries spell it (SQLAlchemy writes `is_current = 1` on SQLite,
# whose planner uses a partial index only for a WHERE term matching the index's own).
CURRENT_SQLITE = 'is_current = 1'


def upgrade():
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.add_column(sa.Column('is_current', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(FILL)
    op.create_index('uq_screenings_current', 'screenings', ['project_id'], unique=True,
                    sqlite_where=sa.text(CURRENT_SQLITE), postgresql_where=sa.text('is_current'))
    op.create_index('ix_screenings_current_score', 'screenings', [sa.text('coalesce(score, 0)'), 'id'], unique=False,
                    sqlite_where=sa.text(CURRENT_SQLITE), postgresql_where=sa.text('is_current'))


def downgrade():
    op.drop_index('ix_screenings_current_score', table_name='screenings')
    op.drop_index('uq_screenings_current', table_name='screenings')
    with op.batch_alter_table('screenings') as batch_op:
        batch_op.drop_column('is_current')
