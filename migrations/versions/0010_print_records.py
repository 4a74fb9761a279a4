"""print records: who printed which document, when

Revision ID: 0010_print_records
Revises: 0007_audit_batches
Create Date: 2026-11-23 09:40:00.000000

Written by hand. Every printed brief and meeting pack is recorded (DOMAIN §8), and audited like
every other record.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_print_records'
down_revision = '0007_audit_batches'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'print_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('project_ids', sa.JSON(), nullable=False),
        sa.Column('printed_by_id', sa.Integer(), nullable=False),
        sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['printed_by_id'], ['users.id'], name=op.f('fk_print_records_printed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_print_records')),
    )


def downgrade():
    op.drop_table('print_records')
