"""the Traject and DIWFondsAanvraag aggregates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "traject",
        sa.Column("traject_id", sa.Uuid, primary_key=True),
        sa.Column("aanmelding_id", sa.Uuid, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("startdatum", sa.Date),
        sa.Column("evaluatie_datum", sa.Date),
        sa.Column("blokkade_status", sa.Text, nullable=False),
        sa.Column("acute_crisis", sa.Boolean, nullable=False),
        sa.Column("rol_organisaties", sa.ARRAY(sa.Text), nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("bron_event_id", sa.Uuid, nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("gewijzigd_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # One traject per aanmelding (§4.2 1:1): a second AanmeldingOpgestart cannot create a second traject.
        sa.UniqueConstraint("aanmelding_id", name="traject_aanmelding_id_uniek"),
    )
    # The evaluation timer's query: running trajecten by evaluation date.
    op.create_index(
        "traject_evaluatie_verschuldigd",
        "traject",
        ["evaluatie_datum"],
        postgresql_where=sa.text("status IN ('LOPEND', 'VERLENGD')"),
    )
    # Partner scoping: trajecten in which an organisation has a role.
    op.create_index("traject_rol_organisaties", "traject", ["rol_organisaties"], postgresql_using="gin")
    op.create_index("traject_aangemaakt_op", "traject", ["aangemaakt_op", "traject_id"])

    op.create_table(
        "diw_aanvraag",
        sa.Column("aanvraag_id", sa.Uuid, primary_key=True),
        sa.Column("traject_id", sa.Uuid, sa.ForeignKey("traject.traject_id"), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("bedrag_eurocent", sa.BigInteger, nullable=False),
        sa.Column("volgende_evaluatie_datum", sa.Date),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("gewijzigd_op", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("diw_aanvraag_traject", "diw_aanvraag", ["traject_id"])
    op.create_index(
        "diw_aanvraag_evaluatie_verschuldigd",
        "diw_aanvraag",
        ["volgende_evaluatie_datum"],
        postgresql_where=sa.text("status = 'IN_GEBRUIK'"),
    )


def downgrade() -> None:
    op.drop_table("diw_aanvraag")
    op.drop_table("traject")
