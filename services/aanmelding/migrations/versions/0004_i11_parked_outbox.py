"""outbox rows the broker refuses for good are parked (parked_at, parked_reason)

Revision ID: 0003_i11
Revises: 0003_i14
Create Date: 2026-11-29
"""

from jeugdhulp_common.migrations import add_outbox_parking, drop_outbox_parking

revision = "0003_i11"
down_revision = "0003_i14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_parking()


def downgrade() -> None:
    drop_outbox_parking()
