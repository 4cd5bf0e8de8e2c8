"""cases about a municipal service and its problems; rating cell keys; services of a
recommendation; a service's usual category (issue 14)

Revision ID: d7a3e9b1c4f6
Revises: c5e8a1f3b7d2
Create Date: 2026-11-30 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a3e9b1c4f6'
down_revision = 'c5e8a1f3b7d2'
branch_labels = None
depends_on = None

KEY_SPACE = 2**31


def upgrade():
    for table in ('inquiry', 'stat_record'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('service_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('service_problems', sa.Integer(), nullable=False, server_default='0'))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_service_id_service'), 'service', ['service_id'], ['id'])
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=40), nullable=False, server_default=''))
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('services', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell_key', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_service_rating_office_rated', ['office_id', 'rated_on', 'service_id'], unique=False)
    # Each rating already given gets its own random key, as a new one does.
    connection = op.get_bind()
    rating = sa.table('service_rating', sa.column('id', sa.Integer), sa.column('cell_key', sa.Integer))
    ids = connection.execute(sa.select(rating.c.id)).scalars().all()
    for rating_id in ids:
        connection.execute(
            rating.update().where(rating.c.id == rating_id).values(cell_key=secrets.randbelow(KEY_SPACE))
        )


def downgrade():
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_service_rating_office_rated')
        batch_op.drop_column('cell_key')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_column('services')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('category')
    for table in ('stat_record', 'inquiry'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_service_id_service'), type_='foreignkey')
            batch_op.drop_column('service_problems')
            batch_op.drop_column('service_id')
