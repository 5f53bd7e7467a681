"""NOTIFY triggers: wake the outbox relay on insert; evict a revoked API credential from every instance's cache

Revision ID: 0003_i14
Revises: 0002
Create Date: 2026-11-29
"""

from jeugdhulp_common.migrations import create_notify_triggers, drop_notify_triggers

revision = "0003_i14"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_notify_triggers()


def downgrade() -> None:
    drop_notify_triggers()
