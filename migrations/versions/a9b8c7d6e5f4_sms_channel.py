"""SMS beside e-mail in the outbox (channel, segments), the monthly cap's warning claim,
and the citizen's notice channel with the consent to SMS (issue 16)

Revision ID: a9b8c7d6e5f4
Revises: f1a2b3c4d5e6
Create Date: 2026-11-30 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9b8c7d6e5f4'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=10), server_default='email', nullable=False)
        )
        batch_op.add_column(sa.Column('segments', sa.Integer(), nullable=True))
        batch_op.create_index(
            'ix_outbox_message_sms_sent', ['office_id', 'channel', 'sent_at'], unique=False
        )
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('sms_consent_at', sa.DateTime(), nullable=True))
    op.create_table('sms_cap_warning',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], ),
    sa.PrimaryKeyConstraint('office_id', 'month')
    )


def downgrade():
    op.drop_table('sms_cap_warning')
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.drop_column('sms_consent_at')
        batch_op.drop_column('notify_by')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_sms_sent')
        batch_op.drop_column('segments')
        batch_op.drop_column('channel')
