"""attachment owners: a document belongs to exactly one project, trip or payout

Revision ID: 0013_attachment_owners
Revises: 0012_home_speed
Create Date: 2026-11-24 09:00:00.000000

Written by hand (DOMAIN §8: documents attach to the project, the trip or the payout). project_id
becomes optional, trip_id and payout_id join it, and CHECK one_owner holds that exactly one is set.
Two categories for payouts: approval (审批表) and voucher (支付凭证).

The downgrade refuses to run while a trip's or a payout's document, or one of the new categories,
exists: the old table has no place for them and nothing is ever lost by a delete.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_attachment_owners'
down_revision = '0012_home_speed'
branch_labels = None
depends_on = None

OLD_CATEGORIES = "category IN ('contract', 'minutes', 'permit', 'photo', 'other')"
NEW_CATEGORIES = "category IN ('contract', 'minutes', 'permit', 'photo', 'approval', 'voucher', 'other')"
ONE_OWNER = ("(project_id IS NOT NULL AND trip_id IS NULL AND payout_id IS NULL)"
             " OR (project_id IS NULL AND trip_id IS NOT NULL AND payout_id IS NULL)"
             " OR (project_id IS NULL AND trip_id IS NULL AND payout_id IS NOT NULL)")


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trip_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payout_id', sa.Integer(), nullable=True))
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_trip_id_trips'), 'trips', ['trip_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attachments_payout_id_payouts'), 'payouts', ['payout_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_attachments_trip_id'), ['trip_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_payout_id'), ['payout_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_attachments_category'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_attachments_category'), sa.text(NEW_CATEGORIES))
        batch_op.create_check_constraint(batch_op.f('ck_attachments_one_owner'), sa.text(ONE_OWNER))


def downgrade():
    bind = op.get_bind()
    kept = bind.execute(sa.text(
        "SELECT count(*) FROM attachments WHERE project_id IS NULL OR category IN ('approval', 'voucher')")).scalar()
    if kept:
        raise RuntimeError(f"{kept} attachments belong to a trip or a payout, or use a category the older "
                           "schema lacks; archive them elsewhere before downgrading (nothing is deleted).")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_attachments_category'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_attachments_category'), sa.text(OLD_CATEGORIES))
        batch_op.drop_index(batch_op.f('ix_attachments_payout_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_trip_id'))
        batch_op.drop_constraint(batch_op.f('fk_attachments_payout_id_payouts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attachments_trip_id_trips'), type_='foreignkey')
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('payout_id')
        batch_op.drop_column('trip_id')
