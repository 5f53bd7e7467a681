"""signalering tables; theme catalogue of §6.1 seeded with stable ids; the 2024 LN subthemes as bevindingen

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from signalering.adapters.codec import naar_json
    from signalering.adapters.tables import bevinding_table, metadata, thema_table
    from signalering.domain import seed_themas
    from signalering.domain.lerend_netwerk import Bevinding

    # Same way as jeugdhulp_common.migrations.create_common_tables (tables declared once, in adapters/tables.py).
    for table in metadata.sorted_tables:
        kolommen = [c._copy() for c in table.columns]
        constraints = [con._copy() for con in list(table.constraints) if con.name]
        op.create_table(table.name, *kolommen, *constraints)
        for index in table.indexes:
            op.create_index(index.name, table.name, [c.name for c in index.columns], unique=index.unique)

    themas = seed_themas()  # restored aggregates: seeding emits no events (not a domain fact)
    op.bulk_insert(
        thema_table,
        [
            {"thema_id": t.thema_id, "naam": t.naam, "status": t.status.value, "aantal_trajecten": 0, "laatste_signaal_op": None, "data": naar_json(t)}
            for t in themas
        ],
    )
    # The themes whose lerend netwerk was held in 2024 bring their subthemes to the forum backlog (§6.1).
    op.bulk_insert(
        bevinding_table,
        [
            {"bevinding_id": b.bevinding_id, "thema_id": b.thema_id, "subthema": b.subthema, "sessie_id": None, "toelichting": ""}
            for t in themas
            if t.status.value == "LN_GEHOUDEN"
            for b in (Bevinding.uit_subthema(t.thema_id, s) for s in t.subthemas)
        ],
    )


def downgrade() -> None:
    from signalering.adapters.tables import metadata

    for table in reversed(metadata.sorted_tables):
        op.drop_table(table.name)
