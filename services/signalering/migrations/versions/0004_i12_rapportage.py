"""report read model: one fact row per aanmelding and per traject (keys are salted refs)

Revision ID: 0003_i12
Revises: 0003_i14
Create Date: 2026-11-29
"""

from alembic import op

revision = "0003_i12"
down_revision = "0003_i14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from signalering.adapters.rapportage_tables import RAPPORTAGE_TABELLEN

    for table in RAPPORTAGE_TABELLEN:
        op.create_table(table.name, *[c._copy() for c in table.columns])
    op.create_index("rapportage_traject_aanmelding", "rapportage_traject", ["aanmelding_ref"])


def downgrade() -> None:
    op.drop_table("rapportage_traject")
    op.drop_table("rapportage_aanmelding")
