"""foundation: users, units, audit, reference data

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-23 01:37:27.867397


Reviewed after autogenerate: adds the GB/T 4754-2017 classification (a national standard, part of
every deployment, not demo data) and triggers that make the audit trail append-only in the
database itself, so no code path can rewrite history.
"""
import sqlalchemy as sa
from alembic import op

from crm.reference.gbt4754 import DIVISIONS, SECTIONS


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chains')),
    sa.UniqueConstraint('name', name=op.f('uq_chains_name'))
    )
    op.create_table('industry_sections',
    sa.Column('code', sa.String(length=1), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.CheckConstraint('length(code) = 1', name=op.f('ck_industry_sections_code_length')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_industry_sections'))
    )
    op.create_table('list_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('negative_list', 'drop_reason')", name=op.f('ck_list_items_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_items')),
    sa.UniqueConstraint('kind', 'code', name='uq_list_items_kind_code')
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('bureau', 'chain_team', 'resident_team', 'park', 'town')", name=op.f('ck_units_kind')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_units_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('industry_divisions',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('section_code', sa.String(length=1), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.CheckConstraint('length(code) = 2', name=op.f('ck_industry_divisions_code_length')),
    sa.ForeignKeyConstraint(['section_code'], ['industry_sections.code'], name=op.f('fk_industry_divisions_section_code_industry_sections')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_industry_divisions'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('staff', 'unit_head', 'leader', 'viewer', 'admin')", name=op.f('ck_users_role')),
    sa.CheckConstraint("role NOT IN ('staff', 'unit_head') OR unit_id IS NOT NULL", name=op.f('ck_users_unit_for_unit_roles')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=200), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('insert', 'update', 'archive', 'restore')", name=op.f('ck_audit_entries_action')),
    sa.CheckConstraint("source IN ('web', 'api', 'cli', 'system')", name=op.f('ck_audit_entries_source')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_record', ['record_type', 'record_id'], unique=False)

    op.create_table('chain_divisions',
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_chain_divisions_chain_id_chains')),
    sa.ForeignKeyConstraint(['division_code'], ['industry_divisions.code'], name=op.f('fk_chain_divisions_division_code_industry_divisions')),
    sa.PrimaryKeyConstraint('chain_id', 'division_code', name=op.f('pk_chain_divisions'))
    )

    _load_industry_classification()
    _create_audit_triggers()

def downgrade():
    _drop_audit_triggers()
    op.drop_table('chain_divisions')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_record')

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('industry_divisions')
    op.drop_table('units')
    op.drop_table('list_items')
    op.drop_table('industry_sections')
    op.drop_table('chains')


def _load_industry_classification():
    sections = sa.table("industry_sections", sa.column("code"), sa.column("name"), sa.column("name_en"))
    divisions = sa.table("industry_divisions", sa.column("code"), sa.column("section_code"),
                         sa.column("name"), sa.column("name_en"))
    op.bulk_insert(sections, [{"code": c, "name": n, "name_en": e} for c, n, e in SECTIONS])
    op.bulk_insert(divisions, [{"code": c, "section_code": s, "name": n, "name_en": e} for c, s, n, e in DIVISIONS])


def _create_audit_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END; $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
            FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
        """)
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER audit_entries_no_{event.lower()} BEFORE {event} ON audit_entries
                BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END
            """)


def _drop_audit_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_no_change ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_update")
        op.execute("DROP TRIGGER audit_entries_no_delete")
