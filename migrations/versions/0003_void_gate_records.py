"""void gate records undone by a correction

Revision ID: 0003_void_gate_records
Revises: 0002_project_pipeline
Create Date: 2026-11-23 02:19:55.792445


Reviewed after autogenerate. An admin correction that moves a project back past a stage keeps
that stage's gate record but marks it voided by the correcting transition; a contract number is
unique among live contracts only, so a corrected contract can be signed again.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003_void_gate_records'
down_revision = '0002_project_pipeline'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_contracts_contract_no'), type_='unique')
        batch_op.create_index('uq_contracts_live_contract_no', ['contract_no'], unique=True, sqlite_where=sa.text('voided_by_id IS NULL'), postgresql_where=sa.text('voided_by_id IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_contracts_voided_by_id_project_transitions'), 'project_transitions', ['voided_by_id'], ['id'])

    with op.batch_alter_table('land_supplies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_land_supplies_voided_by_id_project_transitions'), 'project_transitions', ['voided_by_id'], ['id'])

    with op.batch_alter_table('meeting_approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_approvals_voided_by_id_project_transitions'), 'project_transitions', ['voided_by_id'], ['id'])



def downgrade():
    reused = op.get_bind().execute(sa.text(
        "SELECT contract_no FROM contracts GROUP BY contract_no HAVING count(*) > 1")).first()
    if reused:
        raise RuntimeError(f"Cannot downgrade: contract number {reused[0]} was signed again after a correction.")
    with op.batch_alter_table('meeting_approvals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_approvals_voided_by_id_project_transitions'), type_='foreignkey')
        batch_op.drop_column('voided_by_id')

    with op.batch_alter_table('land_supplies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_land_supplies_voided_by_id_project_transitions'), type_='foreignkey')
        batch_op.drop_column('voided_by_id')

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contracts_voided_by_id_project_transitions'), type_='foreignkey')
        batch_op.drop_index('uq_contracts_live_contract_no', sqlite_where=sa.text('voided_by_id IS NULL'), postgresql_where=sa.text('voided_by_id IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_contracts_contract_no'), ['contract_no'])
        batch_op.drop_column('voided_by_id')

