"""referrals as a workflow: institutions' details and national ones, the referral's
state, summary and one-time link, and its de-identified statistical record (issue 16)

Revision ID: f1a2b3c4d5e6
Revises: e8b2f4a6c1d3
Create Date: 2026-11-30 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'e8b2f4a6c1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('institution', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('ack_days', sa.Integer(), nullable=True),
    sa.Column('outcome_days', sa.Integer(), nullable=True),
    sa.Column('cell_key', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_referral_record_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_record'))
    )
    with op.batch_alter_table('referral_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_record_office_id'), ['office_id'], unique=False)

    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=30), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_person', sa.String(length=200), server_default='', nullable=False))
        batch_op.alter_column('office_id', existing_type=sa.Integer(), nullable=True)
    # The seeded institutions' kinds (bureau/domain/offices.py DEFAULT_INSTITUTIONS).
    for prefix, kind in (('social', 'social_assistance'), ('noi', 'noi'), ('nra', 'nra'),
                         ('rhi', 'rhi'), ('labour', 'labour'), ('municipal', 'municipal')):
        op.execute(sa.text("UPDATE institution SET kind = :kind WHERE code = :code OR code LIKE :like")
                   .bindparams(kind=kind, code=prefix, like=prefix + '%'))

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='sent', nullable=False))
        batch_op.add_column(sa.Column('sent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('link_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('link_revoked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('outcome_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('reminded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('record_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_referral_token_hash'), ['token_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_referral_record_id_referral_record'), 'referral_record', ['record_id'], ['id'])


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referral_record_id_referral_record'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_referral_token_hash'), type_='unique')
        for column in ('record_id', 'reminded_on', 'result', 'outcome', 'outcome_at',
                       'decline_reason', 'answered_at', 'acknowledged_at', 'link_revoked_at',
                       'link_expires_at', 'token_hash', 'sent_on', 'state', 'summary'):
            batch_op.drop_column(column)

    op.execute("DELETE FROM institution WHERE office_id IS NULL")
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.alter_column('office_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('contact_person')
        batch_op.drop_column('address')
        batch_op.drop_column('kind')

    with op.batch_alter_table('referral_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_record_office_id'))
    op.drop_table('referral_record')
