"""the answers library: answers, their versions, offices' local parts; the answer a case
used and first-contact resolutions in the statistical record (issue 15)

Revision ID: e8b2f4a6c1d3
Revises: d7a3e9b1c4f6
Create Date: 2026-11-30 08:54:49.277331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b2f4a6c1d3'
down_revision = 'd7a3e9b1c4f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('documents', sa.Text(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('fee_term', sa.String(length=300), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('subcategories', sa.JSON(), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('review_by', sa.Date(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('live_version_id', sa.Integer(), nullable=True),
    sa.Column('last_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['last_changed_by_id'], ['users.id'], name=op.f('fk_answer_last_changed_by_id_users')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_answer_office_id_office')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_answer_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_office_status', ['office_id', 'status'], unique=False)

    op.create_table('answer_local',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_local_answer_id_answer')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_answer_local_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_local')),
    sa.UniqueConstraint('answer_id', 'office_id', name=op.f('uq_answer_local_answer_id'))
    )
    op.create_table('answer_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_answer_version_actor_id_users')),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_version_answer_id_answer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_version')),
    sa.UniqueConstraint('answer_id', 'number', name=op.f('uq_answer_version_answer_id'))
    )
    with op.batch_alter_table('answer_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_version_answer_id'), ['answer_id'], unique=False)
    # The two tables refer to each other: the answer's live version is added once both exist.
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_answer_live_version', 'answer_version', ['live_version_id'], ['id'])

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_inquiry_answer_id_answer'), 'answer', ['answer_id'], ['id'])

    with op.batch_alter_table('stat_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_contact', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_stat_record_answer_id_answer'), 'answer', ['answer_id'], ['id'])



def downgrade():
    with op.batch_alter_table('stat_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stat_record_answer_id_answer'), type_='foreignkey')
        batch_op.drop_column('first_contact')
        batch_op.drop_column('answer_id')

    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inquiry_answer_id_answer'), type_='foreignkey')
        batch_op.drop_column('answer_id')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_answer_live_version', type_='foreignkey')
    with op.batch_alter_table('answer_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_version_answer_id'))

    op.drop_table('answer_version')
    op.drop_table('answer_local')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_office_status')

    op.drop_table('answer')
