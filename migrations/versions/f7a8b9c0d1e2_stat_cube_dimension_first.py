"""The statistics summary's key in the order it is read: office, dimension, month,
category, value (issue 18: a network's year read every dimension's rows to find one's)

Revision ID: f7a8b9c0d1e2
Revises: e6f7a8b9c0d1
Create Date: 2026-11-30 17:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f7a8b9c0d1e2'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None

NAME = 'uq_stat_cube_office_id'


def _key(columns):
    with op.batch_alter_table('stat_cube', schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_='unique')
        batch_op.create_unique_constraint(NAME, columns)


def upgrade():
    _key(['office_id', 'dimension', 'month', 'category', 'value'])


def downgrade():
    _key(['office_id', 'month', 'category', 'dimension', 'value'])
