"""common tables; subscriptions, signing secrets, the delivery log and the scope projection

Revision ID: 0001_i13
Revises:
Create Date: 2026-11-29
"""

from alembic import op

from jeugdhulp_common.migrations import create_common_tables, drop_common_tables

revision = "0001_i13"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from webhooks.adapters.tables import metadata

    create_common_tables()
    # Same way as jeugdhulp_common.migrations.create_common_tables (tables declared once, in adapters/tables.py).
    for table in metadata.sorted_tables:
        op.create_table(table.name, *(c._copy() for c in table.columns), *(con._copy() for con in list(table.constraints) if con.name))
        for index in list(table.indexes):
            op.create_index(index.name, table.name, [c.name for c in index.columns], unique=index.unique, **index.dialect_kwargs)


def downgrade() -> None:
    from webhooks.adapters.tables import metadata

    for table in reversed(metadata.sorted_tables):
        op.drop_table(table.name)
    drop_common_tables()
