"""cell keys for consistent perturbation of published counts

Every StatRecord gets a secret random key; the monthly summary keeps the sum of keys
beside each count (bureau/domain/statistics/suppression.py). The summary is a derived cache: it
is emptied here and rebuilt, with keys, the first time each month is read.

Revision ID: 231701f2bcbf
Revises: aa17d5daef04
Create Date: 2026-11-30 02:50:57.871361

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '231701f2bcbf'
down_revision = 'aa17d5daef04'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stat_record', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cell_key', sa.Integer(), nullable=False, server_default='0')
        )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE stat_record SET cell_key = floor(random() * 2147483648)::integer")
    else:
        op.execute("UPDATE stat_record SET cell_key = abs(random() % 2147483648)")
    with op.batch_alter_table('stat_record', schema=None) as batch_op:
        batch_op.alter_column('cell_key', server_default=None)

    with op.batch_alter_table('stat_cube', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('key_sum', sa.BigInteger(), nullable=False, server_default='0')
        )
    op.execute("DELETE FROM stat_cube")


def downgrade():
    with op.batch_alter_table('stat_cube', schema=None) as batch_op:
        batch_op.drop_column('key_sum')
    with op.batch_alter_table('stat_record', schema=None) as batch_op:
        batch_op.drop_column('cell_key')
