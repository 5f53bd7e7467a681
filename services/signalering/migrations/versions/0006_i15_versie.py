"""a version per aggregate row: the shared locking policy (FOR UPDATE + version check on save)

Revision ID: 0006_i15
Revises: 0003_i11
Create Date: 2026-11-29
"""

from alembic import op

revision = "0006_i15"
down_revision = "0003_i11"
branch_labels = None
depends_on = None

# The aggregate tables. On a fresh database migration 0002 already creates them with ``version`` (it builds the
# tables from signalering.adapters.tables), hence IF NOT EXISTS.
TABELLEN = ("signaal", "thema", "lerend_netwerk_sessie", "forum", "discussietafel", "actiepunt", "beleidsaanbeveling")


def upgrade() -> None:
    for tabel in TABELLEN:
        op.execute(f"ALTER TABLE {tabel} ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1")


def downgrade() -> None:
    for tabel in TABELLEN:
        op.execute(f"ALTER TABLE {tabel} DROP COLUMN IF EXISTS version")
