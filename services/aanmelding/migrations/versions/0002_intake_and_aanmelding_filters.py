"""intake switch table; aanmelding.regio_jongere for the list filter; indexes for list and duplicate lookups

Rows written by the walking skeleton (document = the raw request body) are rewritten into the document
format of ``aanmelding.domain.naar_document`` so the repository can load them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SKELETON_NAAR_DOCUMENT = """
UPDATE aanmelding SET document = jsonb_build_object(
    'aanmeldingId', id::text,
    'ontvangenOp', to_char(ontvangen_op AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
    'status', status,
    'gegevens', jsonb_build_object(
        'aanmelder', jsonb_build_object(
            'organisatie', document->'aanmelder'->>'organisatie',
            'categorie', document->'aanmelder'->>'categorie',
            'contactpersoon', NULL),
        'onderwerp', document->>'onderwerp',
        'jongereRef', jongere_ref,
        'leeftijdBijAanmelding', (document->>'leeftijdBijAanmelding')::int,
        'regioJongere', document->>'regioJongere',
        'redenen', COALESCE(document->'redenen', '[]'::jsonb),
        'redenenToelichting', NULL,
        'blokkadeStatusBijAanmelding', document->'blokkadeStatusBijAanmelding',
        'gezinssamenstelling', jsonb_build_object('ouders', NULL, 'brussen', '[]'::jsonb),
        'verblijfssituatie', NULL,
        'labels', '[]'::jsonb,
        'betrokkenPartners', '[]'::jsonb,
        'jeugdhulpregisseur', NULL),
    'screening', NULL,
    'redenNietOpstart', NULL,
    'alternatiefAdvies', NULL,
    'instemmingen', '[]'::jsonb,
    'opgestartOp', NULL,
    'nietOpgestartOp', NULL,
    'mogelijkDubbelVan', '[]'::jsonb)
WHERE NOT document ? 'gegevens'
"""


def upgrade() -> None:
    op.execute(_SKELETON_NAAR_DOCUMENT)
    op.add_column("aanmelding", sa.Column("regio_jongere", sa.Text, nullable=True))
    op.execute("UPDATE aanmelding SET regio_jongere = document->'gegevens'->>'regioJongere'")
    op.alter_column("aanmelding", "regio_jongere", nullable=False)
    op.create_index("aanmelding_status", "aanmelding", ["status", "ontvangen_op"])
    op.create_index("aanmelding_regio", "aanmelding", ["regio_jongere", "ontvangen_op"])
    op.create_index("aanmelding_ontvangen_op", "aanmelding", ["ontvangen_op"])
    op.create_table(
        "intake",
        sa.Column("sleutel", sa.Text, primary_key=True),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("reden", sa.Text),
        sa.Column("gewijzigd_op", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    # Intake starts open (one row per deployment).
    op.execute("INSERT INTO intake (sleutel, open, version) VALUES ('intake', true, 1)")


def downgrade() -> None:
    op.drop_table("intake")
    op.drop_index("aanmelding_ontvangen_op", table_name="aanmelding")
    op.drop_index("aanmelding_regio", table_name="aanmelding")
    op.drop_index("aanmelding_status", table_name="aanmelding")
    op.drop_column("aanmelding", "regio_jongere")
