"""project pipeline

Revision ID: 0002_project_pipeline
Revises: 0001_foundation
Create Date: 2026-11-23 01:56:12.785448


Reviewed after autogenerate. Projects, their stage transitions (append-only, enforced by
triggers as for the audit trail), gate records, permits, follow-ups, attachments, and the
screening table that the 过会 gate reads (issue 4 extends it).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002_project_pipeline'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('investor_name', sa.String(length=200), nullable=False),
    sa.Column('investor_name_norm', sa.String(length=200), nullable=False),
    sa.Column('investor_uscc', sa.String(length=18), nullable=True),
    sa.Column('industry_code', sa.String(length=2), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('lead_leader_id', sa.Integer(), nullable=True),
    sa.Column('total_investment_wan', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('fixed_asset_investment_wan', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('land_area_mu', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('floor_area_m2', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('expected_annual_output_wan', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('expected_annual_tax_wan', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('annual_energy_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('jobs', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_project_id', sa.Integer(), nullable=True),
    sa.Column('fund_origin', sa.String(length=20), nullable=False),
    sa.Column('foreign_investment_usd_wan', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('exchange_rate', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('drop_reason_code', sa.String(length=64), nullable=True),
    sa.Column('intention_agreement_date', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('amounts_changed_after_signing', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.String(length=600), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("fund_origin <> 'foreign' OR (foreign_investment_usd_wan IS NOT NULL AND exchange_rate IS NOT NULL)", name=op.f('ck_projects_foreign_has_original_amount')),
    sa.CheckConstraint("fund_origin IN ('city_outside', 'province_outside', 'foreign', 'local')", name=op.f('ck_projects_fund_origin')),
    sa.CheckConstraint("kind <> 'capital_increase' OR parent_project_id IS NOT NULL", name=op.f('ck_projects_increase_has_parent')),
    sa.CheckConstraint("kind IN ('new', 'capital_increase')", name=op.f('ck_projects_kind')),
    sa.CheckConstraint("source IN ('business_referral', 'resident_team', 'trip', 'expo', 'online', 'agency', 'other')", name=op.f('ck_projects_source')),
    sa.CheckConstraint("stage IN ('talks', 'approved', 'signed', 'started', 'producing')", name=op.f('ck_projects_stage')),
    sa.CheckConstraint("status <> 'dropped' OR drop_reason_code IS NOT NULL", name=op.f('ck_projects_dropped_has_reason')),
    sa.CheckConstraint("status IN ('active', 'on_hold', 'dropped')", name=op.f('ck_projects_status')),
    sa.CheckConstraint('(expected_annual_output_wan IS NULL OR expected_annual_output_wan >= 0) AND (expected_annual_tax_wan IS NULL OR expected_annual_tax_wan >= 0) AND (annual_energy_tce IS NULL OR annual_energy_tce >= 0) AND (jobs IS NULL OR jobs >= 0)', name=op.f('ck_projects_figures_not_negative')),
    sa.CheckConstraint('fixed_asset_investment_wan IS NULL OR (fixed_asset_investment_wan >= 0 AND fixed_asset_investment_wan <= total_investment_wan)', name=op.f('ck_projects_fixed_asset_within_total')),
    sa.CheckConstraint('floor_area_m2 IS NULL OR floor_area_m2 >= 0', name=op.f('ck_projects_floor_not_negative')),
    sa.CheckConstraint('land_area_mu IS NULL OR land_area_mu >= 0', name=op.f('ck_projects_land_not_negative')),
    sa.CheckConstraint('parent_project_id IS NULL OR parent_project_id <> id', name=op.f('ck_projects_not_own_parent')),
    sa.CheckConstraint('total_investment_wan > 0', name=op.f('ck_projects_total_positive')),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_projects_chain_id_chains')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry_divisions.code'], name=op.f('fk_projects_industry_code_industry_divisions')),
    sa.ForeignKeyConstraint(['lead_leader_id'], ['users.id'], name=op.f('fk_projects_lead_leader_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_projects_owner_id_users')),
    sa.ForeignKeyConstraint(['parent_project_id'], ['projects.id'], name=op.f('fk_projects_parent_project_id_projects')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_projects_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_investor_name_norm'), ['investor_name_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_investor_uscc'), ['investor_uscc'], unique=False)
        batch_op.create_index('ix_projects_unit_stage', ['unit_id', 'stage', 'status'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("category IN ('contract', 'minutes', 'permit', 'photo', 'other')", name=op.f('ck_attachments_category')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_attachments_project_id_projects')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_project_id'), ['project_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('followed_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('people', sa.String(length=300), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_action', sa.String(length=500), nullable=True),
    sa.Column('next_action_due', sa.Date(), nullable=True),
    sa.Column('next_action_owner_id', sa.Integer(), nullable=True),
    sa.Column('next_action_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('visit', 'call', 'meeting', 'reception', 'online', 'other')", name=op.f('ck_follow_ups_kind')),
    sa.CheckConstraint('next_action IS NULL OR (next_action_due IS NOT NULL AND next_action_owner_id IS NOT NULL)', name=op.f('ck_follow_ups_action_has_due_and_owner')),
    sa.CheckConstraint('next_action_due IS NULL OR next_action IS NOT NULL', name=op.f('ck_follow_ups_due_needs_action')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_follow_ups_created_by_id_users')),
    sa.ForeignKeyConstraint(['next_action_owner_id'], ['users.id'], name=op.f('fk_follow_ups_next_action_owner_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_follow_ups_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_follow_ups_owner_due', ['next_action_owner_id', 'next_action_due'], unique=False)
        batch_op.create_index('ix_follow_ups_project_date', ['project_id', 'followed_on'], unique=False)

    op.create_table('investor_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('other_project_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("verdict IN ('same', 'distinct')", name=op.f('ck_investor_links_verdict')),
    sa.CheckConstraint('project_id < other_project_id', name=op.f('ck_investor_links_ordered_pair')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_investor_links_decided_by_id_users')),
    sa.ForeignKeyConstraint(['other_project_id'], ['projects.id'], name=op.f('fk_investor_links_other_project_id_projects')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_investor_links_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investor_links')),
    sa.UniqueConstraint('project_id', 'other_project_id', name='uq_investor_links_pair')
    )
    op.create_table('permits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('reference_no', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('filing', 'planning', 'construction', 'eia', 'energy_review')", name=op.f('ck_permits_kind')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_permits_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permits')),
    sa.UniqueConstraint('project_id', 'kind', name='uq_permits_project_kind')
    )
    with op.batch_alter_table('permits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_permits_project_id'), ['project_id'], unique=False)

    op.create_table('project_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_contacts_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_contacts'))
    )
    with op.batch_alter_table('project_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_contacts_project_id'), ['project_id'], unique=False)

    op.create_table('project_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_stage', sa.String(length=20), nullable=False),
    sa.Column('to_stage', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("from_stage IN ('talks', 'approved', 'signed', 'started', 'producing') AND to_stage IN ('talks', 'approved', 'signed', 'started', 'producing')", name=op.f('ck_project_transitions_stages')),
    sa.CheckConstraint("from_status IN ('active', 'on_hold', 'dropped') AND to_status IN ('active', 'on_hold', 'dropped')", name=op.f('ck_project_transitions_statuses')),
    sa.CheckConstraint("kind IN ('advance', 'hold', 'resume', 'drop', 'correction')", name=op.f('ck_project_transitions_kind')),
    sa.CheckConstraint("kind NOT IN ('drop', 'correction') OR reason IS NOT NULL", name=op.f('ck_project_transitions_reason_required')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_transitions_actor_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_transitions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_transitions'))
    )
    with op.batch_alter_table('project_transitions', schema=None) as batch_op:
        batch_op.create_index('ix_project_transitions_funnel', ['to_stage', 'effective_date'], unique=False)
        batch_op.create_index('ix_project_transitions_project', ['project_id', 'id'], unique=False)

    op.create_table('screenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('policy_version', sa.String(length=64), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('proposed_verdict', sa.String(length=16), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('negative_list_confirmed', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("proposed_verdict IN ('pass', 'conditional', 'reject')", name=op.f('ck_screenings_proposed_verdict')),
    sa.CheckConstraint("verdict <> 'conditional' OR conditions IS NOT NULL", name=op.f('ck_screenings_conditional_has_conditions')),
    sa.CheckConstraint("verdict IS NULL OR verdict IN ('pass', 'conditional', 'reject')", name=op.f('ck_screenings_verdict')),
    sa.CheckConstraint('(signed_at IS NULL AND verdict IS NULL AND signed_by_id IS NULL) OR (signed_at IS NOT NULL AND verdict IS NOT NULL AND signed_by_id IS NOT NULL AND negative_list_confirmed)', name=op.f('ck_screenings_signed_complete')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_screenings_created_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_screenings_project_id_projects')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_screenings_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_project_id'), ['project_id'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('transition_id', sa.Integer(), nullable=False),
    sa.Column('contract_no', sa.String(length=100), nullable=False),
    sa.Column('signing_date', sa.Date(), nullable=False),
    sa.Column('contract_investment_wan', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('agreed_start_date', sa.Date(), nullable=False),
    sa.Column('agreed_production_date', sa.Date(), nullable=False),
    sa.CheckConstraint('agreed_production_date >= agreed_start_date', name=op.f('ck_contracts_production_after_start')),
    sa.CheckConstraint('agreed_start_date >= signing_date', name=op.f('ck_contracts_start_after_signing')),
    sa.CheckConstraint('contract_investment_wan > 0', name=op.f('ck_contracts_investment_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_contracts_project_id_projects')),
    sa.ForeignKeyConstraint(['transition_id'], ['project_transitions.id'], name=op.f('fk_contracts_transition_id_project_transitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('contract_no', name=op.f('uq_contracts_contract_no')),
    sa.UniqueConstraint('transition_id', name=op.f('uq_contracts_transition_id'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_project_id'), ['project_id'], unique=False)

    op.create_table('land_supplies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('transition_id', sa.Integer(), nullable=False),
    sa.Column('land_area_mu', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('certificate_no', sa.String(length=100), nullable=False),
    sa.CheckConstraint('land_area_mu > 0', name=op.f('ck_land_supplies_area_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_land_supplies_project_id_projects')),
    sa.ForeignKeyConstraint(['transition_id'], ['project_transitions.id'], name=op.f('fk_land_supplies_transition_id_project_transitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_land_supplies')),
    sa.UniqueConstraint('transition_id', name=op.f('uq_land_supplies_transition_id'))
    )
    with op.batch_alter_table('land_supplies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_land_supplies_project_id'), ['project_id'], unique=False)

    op.create_table('meeting_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('transition_id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('meeting_name', sa.String(length=200), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('minutes_no', sa.String(length=100), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_meeting_approvals_project_id_projects')),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_meeting_approvals_screening_id_screenings')),
    sa.ForeignKeyConstraint(['transition_id'], ['project_transitions.id'], name=op.f('fk_meeting_approvals_transition_id_project_transitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_approvals')),
    sa.UniqueConstraint('transition_id', name=op.f('uq_meeting_approvals_transition_id'))
    )
    with op.batch_alter_table('meeting_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_approvals_project_id'), ['project_id'], unique=False)

    op.create_table('contract_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_wan', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.CheckConstraint('amount_wan > 0', name=op.f('ck_contract_commitments_amount_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_commitments_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_commitments'))
    )
    with op.batch_alter_table('contract_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_commitments_contract_id'), ['contract_id'], unique=False)

    op.create_table('incentive_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('cap_wan', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('condition_stage', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.CheckConstraint("condition_stage IN ('signed', 'started', 'producing', 'actual_tax')", name=op.f('ck_incentive_terms_condition')),
    sa.CheckConstraint('cap_wan > 0', name=op.f('ck_incentive_terms_cap_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_incentive_terms_contract_id_contracts')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_incentive_terms_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_terms'))
    )
    with op.batch_alter_table('incentive_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incentive_terms_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incentive_terms_project_id'), ['project_id'], unique=False)


    _append_only('project_transitions')

def downgrade():
    _drop_append_only('project_transitions')
    with op.batch_alter_table('incentive_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incentive_terms_project_id'))
        batch_op.drop_index(batch_op.f('ix_incentive_terms_contract_id'))

    op.drop_table('incentive_terms')
    with op.batch_alter_table('contract_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_commitments_contract_id'))

    op.drop_table('contract_commitments')
    with op.batch_alter_table('meeting_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_approvals_project_id'))

    op.drop_table('meeting_approvals')
    with op.batch_alter_table('land_supplies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_land_supplies_project_id'))

    op.drop_table('land_supplies')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_project_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_project_id'))

    op.drop_table('screenings')
    with op.batch_alter_table('project_transitions', schema=None) as batch_op:
        batch_op.drop_index('ix_project_transitions_project')
        batch_op.drop_index('ix_project_transitions_funnel')

    op.drop_table('project_transitions')
    with op.batch_alter_table('project_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_contacts_project_id'))

    op.drop_table('project_contacts')
    with op.batch_alter_table('permits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_permits_project_id'))

    op.drop_table('permits')
    op.drop_table('investor_links')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_project_date')
        batch_op.drop_index('ix_follow_ups_owner_due')

    op.drop_table('follow_ups')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_project_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_unit_stage')
        batch_op.drop_index(batch_op.f('ix_projects_investor_uscc'))
        batch_op.drop_index(batch_op.f('ix_projects_investor_name_norm'))
        batch_op.drop_index(batch_op.f('ix_projects_chain_id'))

    op.drop_table('projects')


def _append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()
        """)
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
            """)


def _drop_append_only(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
        op.execute(f"DROP FUNCTION {table}_append_only()")
    else:
        op.execute(f"DROP TRIGGER {table}_no_update")
        op.execute(f"DROP TRIGGER {table}_no_delete")
