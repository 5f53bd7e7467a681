"""common tables (outbox, inbox, credentials, audit, idempotency) and the projection of received aanmeldingen

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from jeugdhulp_common.migrations import create_common_tables, drop_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()
    # Aanmeldingen the traject service has heard of (AanmeldingOntvangen); a traject follows on AanmeldingOpgestart.
    op.create_table(
        "aanmelding_projectie",
        sa.Column("aanmelding_id", sa.Uuid, primary_key=True),
        sa.Column("aanmelder_organisatie", sa.Text, nullable=False),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bron_event_id", sa.Uuid, nullable=False),
        sa.Column("geregistreerd_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("aanmelding_projectie")
    drop_common_tables()
