"""one-time receipts and kept forms (issue 12)

A new PIN reaches the receipt through a one-time record on the server (receipt) instead
of the session cookie, which any concurrent response could overwrite; a form posted
after the session ended is kept (kept_form) and shown again after the next login.

Revision ID: e4c1d2a7b9f0
Revises: 5b7e2a91c4d3
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c1d2a7b9f0'
down_revision = '5b7e2a91c4d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('inquiry_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('sealed_pin', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inquiry_id'], ['inquiry.id'], name=op.f('fk_receipt_inquiry_id_inquiry')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_receipt_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_receipt_token_hash'))
    )
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_inquiry_id'), ['inquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_expires_at'), ['expires_at'], unique=False)

    op.create_table('kept_form',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=100), nullable=False),
    sa.Column('view_args', sa.JSON(), nullable=False),
    sa.Column('page', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_form_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_form'))
    )
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_form_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_form_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_form_expires_at'))
        batch_op.drop_index(batch_op.f('ix_kept_form_user_id'))
    op.drop_table('kept_form')
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_expires_at'))
        batch_op.drop_index(batch_op.f('ix_receipt_inquiry_id'))
    op.drop_table('receipt')
