"""throttle buckets and rate limit counters in the database (issue 11)

The guards against guessing passwords and PINs become token buckets per account,
reference and source (throttle_bucket), replacing the lock per reference
(status_lookup_lock); Flask-Limiter's counters live in the database when no Redis is
configured (rate_limit_counter), so every worker counts together.

Revision ID: 5b7e2a91c4d3
Revises: c7c0b572f58b
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2a91c4d3'
down_revision = 'c7c0b572f58b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle_bucket',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('full_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_bucket'))
    )
    with op.batch_alter_table('throttle_bucket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_bucket_full_at'), ['full_at'], unique=False)

    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_expires_at'), ['expires_at'], unique=False)

    # Failures counted by the old lock are short-lived (an hour at most): not carried over.
    with op.batch_alter_table('status_lookup_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_lookup_lock_last_failure_at'))
    op.drop_table('status_lookup_lock')


def downgrade():
    op.create_table('status_lookup_lock',
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', sa.DateTime(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('reference', name=op.f('pk_status_lookup_lock'))
    )
    with op.batch_alter_table('status_lookup_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_lookup_lock_last_failure_at'), ['last_failure_at'], unique=False)

    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires_at'))
    op.drop_table('rate_limit_counter')
    with op.batch_alter_table('throttle_bucket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_bucket_full_at'))
    op.drop_table('throttle_bucket')
