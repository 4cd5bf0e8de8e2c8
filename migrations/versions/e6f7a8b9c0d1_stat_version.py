"""Statistics' versions: each office's count of changes to its figures, the key under
which computed statistics are kept (issue 18)

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-11-30 15:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stat_version',
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('changed', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_stat_version')),
    )


def downgrade():
    op.drop_table('stat_version')
