"""the register of the municipality's services (issue 14)

Each office's municipality: its administrative and technical services, with the number
in the national register, the providing unit, the statutory term, fee and legal basis.

Revision ID: b3f9c2d4e6a8
Revises: e4c1d2a7b9f0
Create Date: 2026-11-30 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f9c2d4e6a8'
down_revision = 'e4c1d2a7b9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('register_number', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('term_days', sa.Integer(), nullable=True),
    sa.Column('fee', sa.String(length=200), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_service_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('office_id', 'code', name='uq_service_office_code'),
    sa.UniqueConstraint('office_id', 'register_number', name='uq_service_office_register_number'),
    sa.UniqueConstraint('office_id', 'name', name='uq_service_office_name')
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_office_id'), ['office_id'], unique=False)


def downgrade():
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_office_id'))
    op.drop_table('service')
