"""indexes for the case list at scale

Revision ID: a17e0653bbfc
Revises: 9ae9ab414ba9
Create Date: 2026-11-21 23:23:25.399923

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17e0653bbfc'
down_revision = '9ae9ab414ba9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_office_expert')
        batch_op.create_index('ix_inquiry_office_expert', ['office_id', 'expert_id', 'received_at'], unique=False)
        batch_op.create_index('ix_inquiry_office_due', ['office_id', 'due_date'], unique=False)
        batch_op.create_index('ix_inquiry_office_status_expert', ['office_id', 'status', 'expert_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index('ix_inquiry_office_status_expert')
        batch_op.drop_index('ix_inquiry_office_due')
        batch_op.drop_index('ix_inquiry_office_expert')
        batch_op.create_index('ix_inquiry_office_expert', ['office_id', 'expert_id', 'status'], unique=False)
