"""Indexes a search among filtered cases answers from alone: the newest-first and the
category lists carry what their filters and a name search's citizen need, and a
citizen's words their prefix (issue 18: overdue × a common name read 21,000 cases' rows)

Revision ID: a8b9c0d1e2f3
Revises: f7a8b9c0d1e2
Create Date: 2026-11-30 21:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a8b9c0d1e2f3'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None

NEW = {
    ('inquiry', 'ix_inquiry_office_received'): [
        'office_id', 'received_at', 'id', 'status', 'due_date', 'category_id', 'citizen_id'
    ],
    ('inquiry', 'ix_inquiry_office_category'): [
        'office_id', 'category_id', 'received_at', 'id', 'citizen_id'
    ],
    ('citizen_token', 'ix_citizen_token_citizen_id'): ['citizen_id', 'token', 'office_id'],
}
OLD = {
    ('inquiry', 'ix_inquiry_office_received'): ['office_id', 'received_at'],
    ('inquiry', 'ix_inquiry_office_category'): ['office_id', 'category_id', 'received_at'],
    ('citizen_token', 'ix_citizen_token_citizen_id'): ['citizen_id'],
}


def _recreate(indexes):
    for (table, name), columns in indexes.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)


def upgrade():
    _recreate(NEW)


def downgrade():
    _recreate(OLD)
