"""subscriptions as one JSONB document (the shared repository's row shape), their secrets inside it

The subscription row becomes ``id``, ``version``, ``document`` (the aggregate as written by jeugdhulp_common.codec,
its signing secrets included) and the lookup columns ``organisatie``, ``url``, ``status``, ``created_at``; the
``subscription_secret`` table goes. Migration 0001_i13 creates its tables from the current
``webhooks.adapters.tables``, so a database it created after this change already has the new shape: only a database
with the earlier shape (a ``profiel`` column) is rewritten.

Revision ID: 0002_i15w
Revises: 0001_i13
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_i15w"
down_revision = "0001_i13"
branch_labels = None
depends_on = None

# The earlier columns, decoded into the document's keys (the fields of webhooks.domain.abonnement.Abonnement).
_DOCUMENT = """
UPDATE subscription s SET document = jsonb_build_object(
    'id', s.id, 'organisatie', s.organisatie, 'profiel', s.profiel, 'url', s.url, 'event_types', to_jsonb(s.event_types),
    'description', s.description, 'status', s.status, 'disabled_reason', s.disabled_reason,
    'created_at', s.created_at, 'updated_at', s.updated_at,
    'geheimen', coalesce((
        SELECT jsonb_agg(jsonb_build_object('secret', g.secret, 'aangemaakt_op', g.created_at, 'verloopt_op', g.expires_at) ORDER BY g.id)
        FROM subscription_secret g WHERE g.subscription_id = s.id), '[]'::jsonb))
"""

_OLD_COLUMNS = ("profiel", "event_types", "description", "disabled_reason", "updated_at")


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("subscription")}


def upgrade() -> None:
    if "profiel" not in _columns():
        return  # created by 0001 in the new shape already
    op.add_column("subscription", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("subscription", sa.Column("document", JSONB))
    op.execute(_DOCUMENT)
    op.alter_column("subscription", "document", nullable=False)
    op.drop_table("subscription_secret")
    for c in _OLD_COLUMNS:
        op.drop_column("subscription", c)


def downgrade() -> None:
    op.add_column("subscription", sa.Column("profiel", sa.Text))
    op.add_column("subscription", sa.Column("event_types", sa.ARRAY(sa.Text)))
    op.add_column("subscription", sa.Column("description", sa.Text, nullable=False, server_default=""))
    op.add_column("subscription", sa.Column("disabled_reason", sa.Text))
    op.add_column("subscription", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
    op.execute(
        """
        UPDATE subscription SET profiel = document->>'profiel',
            event_types = ARRAY(SELECT jsonb_array_elements_text(document->'event_types')),
            description = document->>'description', disabled_reason = document->>'disabled_reason',
            updated_at = (document->>'updated_at')::timestamptz
        """
    )
    op.alter_column("subscription", "profiel", nullable=False)
    op.alter_column("subscription", "event_types", nullable=False)
    op.create_table(
        "subscription_secret",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("subscription_id", sa.Uuid, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="subscription_secret_pkey"),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscription.id"], ondelete="CASCADE", name="subscription_secret_subscription_fkey"),
    )
    op.create_index("subscription_secret_subscription", "subscription_secret", ["subscription_id"])
    op.execute(
        """
        INSERT INTO subscription_secret (subscription_id, secret, created_at, expires_at)
        SELECT s.id, g->>'secret', (g->>'aangemaakt_op')::timestamptz, (g->>'verloopt_op')::timestamptz
        FROM subscription s, jsonb_array_elements(s.document->'geheimen') WITH ORDINALITY AS x(g, n) ORDER BY s.id, x.n
        """
    )
    op.drop_column("subscription", "document")
    op.drop_column("subscription", "version")
