"""citizens' anonymous ratings of a municipal service (issue 14)

Codes only, a day and an optional comment for the office's coordinators: no name, no
contact, no network address.

Revision ID: c5e8a1f3b7d2
Revises: b3f9c2d4e6a8
Create Date: 2026-11-30 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e8a1f3b7d2'
down_revision = 'b3f9c2d4e6a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('rated_on', sa.Date(), nullable=False),
    sa.Column('satisfaction', sa.SmallInteger(), nullable=False),
    sa.Column('within_term', sa.String(length=10), nullable=False),
    sa.Column('clear_requirements', sa.String(length=10), nullable=False),
    sa.Column('courteous', sa.String(length=10), nullable=False),
    sa.Column('extra_payment', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_service_rating_office_id_office')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_rating_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_rating'))
    )
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_rating_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_rating_service_id'), ['service_id'], unique=False)


def downgrade():
    with op.batch_alter_table('service_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_rating_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_rating_office_id'))
    op.drop_table('service_rating')
