"""screening policies

Revision ID: 0004_screening_policies
Revises: 0003_void_gate_records
Create Date: 2026-11-23 02:36:33.843228


Reviewed after autogenerate: versioned screening policies (准入标准), and the screening's computed
parts. JSON columns added to existing screenings get server defaults, so an upgrade of a
database that already holds screenings works.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_screening_policies'
down_revision = '0003_void_gate_records'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scope_unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('min_tax_per_mu', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('min_investment_intensity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('min_output_per_mu', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('max_energy_per_output', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('max_annual_energy_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('weight_tax', sa.Integer(), nullable=False),
    sa.Column('weight_intensity', sa.Integer(), nullable=False),
    sa.Column('weight_output', sa.Integer(), nullable=False),
    sa.Column('weight_energy', sa.Integer(), nullable=False),
    sa.Column('weight_industry', sa.Integer(), nullable=False),
    sa.Column('pass_score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('conditional_score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('target_divisions', sa.JSON(), nullable=False),
    sa.Column('related_divisions', sa.JSON(), nullable=False),
    sa.Column('restricted_divisions', sa.JSON(), nullable=False),
    sa.Column('veto_below', sa.JSON(), nullable=False),
    sa.Column('negative_list_codes', sa.JSON(), nullable=False),
    sa.Column('floor_m2_per_mu', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('allow_no_land', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_tax_per_mu >= 0 AND min_investment_intensity >= 0 AND min_output_per_mu >= 0 AND max_energy_per_output > 0', name=op.f('ck_policies_thresholds')),
    sa.CheckConstraint('pass_score >= conditional_score AND conditional_score >= 0 AND pass_score <= 100', name=op.f('ck_policies_score_lines')),
    sa.CheckConstraint('weight_tax + weight_intensity + weight_output + weight_energy + weight_industry = 100', name=op.f('ck_policies_weights_sum_100')),
    sa.CheckConstraint('weight_tax >= 0 AND weight_intensity >= 0 AND weight_output >= 0 AND weight_energy >= 0 AND weight_industry >= 0', name=op.f('ck_policies_weights_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_policies_created_by_id_users')),
    sa.ForeignKeyConstraint(['family_id'], ['policies.id'], name=op.f('fk_policies_family_id_policies')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['units.id'], name=op.f('fk_policies_scope_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies')),
    sa.UniqueConstraint('family_id', 'version', name='uq_policies_family_version')
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annual_electricity_wan_kwh', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.create_check_constraint(
            'electricity_not_negative', 'annual_electricity_wan_kwh IS NULL OR annual_electricity_wan_kwh >= 0')

    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scores', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('met', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.alter_column('policy_version', existing_type=sa.String(length=64), type_=sa.String(length=220))
        batch_op.add_column(sa.Column('vetoes', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('not_applicable', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('industry_fit', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('energy_review_tier', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('negative_list_checked', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_screenings_policy_id_policies'), 'policies', ['policy_id'], ['id'])



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_projects_electricity_not_negative'), type_='check')
        batch_op.drop_column('annual_electricity_wan_kwh')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_screenings_policy_id_policies'), type_='foreignkey')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('negative_list_checked')
        batch_op.drop_column('energy_review_tier')
        batch_op.drop_column('industry_fit')
        batch_op.drop_column('not_applicable')
        batch_op.drop_column('vetoes')
        batch_op.drop_column('scores')
        batch_op.drop_column('met')
        batch_op.alter_column('policy_version', existing_type=sa.String(length=220), type_=sa.String(length=64))
        batch_op.drop_column('policy_id')

    op.drop_table('policies')
