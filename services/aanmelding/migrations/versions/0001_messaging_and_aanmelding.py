"""common tables (outbox, inbox, credentials, audit, idempotency) and the aanmelding table

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from jeugdhulp_common.migrations import create_common_tables, drop_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()
    op.create_table(
        "aanmelding",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("aanmelder_organisatie", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("jongere_ref", sa.Text, nullable=False),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", postgresql.JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_index("aanmelding_organisatie", "aanmelding", ["aanmelder_organisatie", "ontvangen_op"])
    op.create_index("aanmelding_jongere_ref", "aanmelding", ["jongere_ref"])


def downgrade() -> None:
    op.drop_table("aanmelding")
    drop_common_tables()
