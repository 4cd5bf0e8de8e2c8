"""outbox message office, for the failing-mail page

Revision ID: c7c0b572f58b
Revises: 231701f2bcbf
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7c0b572f58b'
down_revision = '231701f2bcbf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_office_id_office'), 'office', ['office_id'], ['id']
        )
    # Messages about a case belong to the case's office; the rest stay the admin's.
    op.execute(
        "UPDATE outbox_message SET office_id = "
        "(SELECT inquiry.office_id FROM inquiry WHERE inquiry.id = outbox_message.inquiry_id) "
        "WHERE inquiry_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_message_office_id_office', type_='foreignkey')
        batch_op.drop_column('office_id')
