"""The citizens' phone index carries the id, so a search by a phone's first digits reads
the index alone (issue 18)

Revision ID: c4d5e6f7a8b9
Revises: b3c4d5e6f7a8
Create Date: 2026-11-30 13:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'b3c4d5e6f7a8'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_citizen_office_phone_key', table_name='citizen')
    op.create_index('ix_citizen_office_phone_key', 'citizen', ['office_id', 'phone_key', 'id'])


def downgrade():
    op.drop_index('ix_citizen_office_phone_key', table_name='citizen')
    op.create_index('ix_citizen_office_phone_key', 'citizen', ['office_id', 'phone_key'])
