"""Alembic, the same way for every service.

Each service has ``services/<name>/migrations/`` with its own ``versions/`` and an ``env.py`` that only
calls :func:`run_env`. The first migration of every service calls :func:`create_common_tables`
(outbox, inbox, api_credential, audit_log, idempotency_record). ``python -m <service> migrate`` runs :func:`upgrade`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from jeugdhulp_common.tables import common_metadata


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def run_env(target_metadata: MetaData | None = None) -> None:
    """Body of every service's migrations/env.py (online, async)."""
    url = context.config.get_main_option("sqlalchemy.url")

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(do_run)
                await conn.commit()
        finally:
            await engine.dispose()

    asyncio.run(main())


def create_common_tables() -> None:
    """Alembic operations for the tables every service has (jeugdhulp_common.tables); call from a service's first migration."""
    from alembic import op

    for table in common_metadata.sorted_tables:
        op.create_table(table.name, *(c._copy() for c in table.columns), *(con._copy() for con in table.constraints if con.name))
        for index in table.indexes:
            op.create_index(index.name, table.name, [c.name for c in index.columns], unique=index.unique, **index.dialect_kwargs)


def drop_common_tables() -> None:
    from alembic import op

    for table in reversed(common_metadata.sorted_tables):
        op.drop_table(table.name)


# Notifications for jeugdhulp_common.notify (channel names are kept in step with it). NOTIFY is delivered when the
# writing transaction commits. A notifying commit holds a database-wide lock until its commit record is flushed,
# so notifying transactions commit one at a time: the outbox trigger notifies only when the relay is likely idle
# (no older unpublished row written in the last second, which a busy relay is about to publish, after which it
# polls again at once). Otherwise the relay's poll (JH_RELAY_IDLE_SECONDS) is the fallback.
_NOTIFY_SQL = [
    """CREATE FUNCTION jh_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT EXISTS (
           SELECT 1 FROM outbox o
           WHERE o.published_at IS NULL AND o.id < (SELECT min(id) FROM new_rows) AND o.created_at > now() - interval '1 second'
         ) THEN
           PERFORM pg_notify('jh_outbox', '');
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER outbox_notify AFTER INSERT ON outbox REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION jh_notify_outbox()""",
    """CREATE FUNCTION jh_notify_credential() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('jh_credential', OLD.id::text); RETURN NULL; END $$""",
    """CREATE TRIGGER api_credential_notify AFTER UPDATE OR DELETE ON api_credential
       FOR EACH ROW EXECUTE FUNCTION jh_notify_credential()""",
]


def create_notify_triggers() -> None:
    """Triggers that wake the outbox relay on insert and evict a changed or revoked API credential from every
    instance's cache (call from a service migration)."""
    from alembic import op

    for sql in _NOTIFY_SQL:
        op.execute(sql)


def drop_notify_triggers() -> None:
    from alembic import op

    op.execute("DROP TRIGGER IF EXISTS api_credential_notify ON api_credential")
    op.execute("DROP FUNCTION IF EXISTS jh_notify_credential()")
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS jh_notify_outbox()")
def add_outbox_parking() -> None:
    """Outbox rows the broker refuses for good are parked (``parked_at``, ``parked_reason``), and refused requests
    are audited with a reason (``audit_log.reden``); call from a migration.

    ``IF NOT EXISTS``: a database created after these columns joined :data:`jeugdhulp_common.tables.outbox_table`
    already has them from its first migration (which builds the common tables from the current definitions).
    """
    from alembic import op

    op.execute("ALTER TABLE outbox ADD COLUMN IF NOT EXISTS parked_at timestamptz, ADD COLUMN IF NOT EXISTS parked_reason text")
    op.execute("ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS reden text")
    op.execute("CREATE INDEX IF NOT EXISTS outbox_parked ON outbox (topic, key) WHERE parked_at IS NOT NULL AND published_at IS NULL")


def drop_outbox_parking() -> None:
    from alembic import op

    op.execute("ALTER TABLE audit_log DROP COLUMN IF EXISTS reden")
    op.execute("DROP INDEX IF EXISTS outbox_parked")
    op.execute("ALTER TABLE outbox DROP COLUMN IF EXISTS parked_reason, DROP COLUMN IF EXISTS parked_at")


def migrate_service(service: str, database_url: str) -> None:
    """``python -m <service> migrate`` from another command (the credential and operator CLIs): Alembic upgrade head.

    Synchronous (Alembic runs its own event loop): call it before ``asyncio.run``.
    """
    import importlib

    definition = importlib.import_module(f"{service}.service").definition
    upgrade(definition.migrations_dir, database_url)
