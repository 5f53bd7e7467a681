"""common tables (outbox, inbox, credentials, audit, idempotency)

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""


from jeugdhulp_common.migrations import create_common_tables, drop_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()


def downgrade() -> None:
    drop_common_tables()
