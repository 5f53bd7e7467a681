"""Migration 0006_i15 on a database made before it (aggregate tables without ``version``): every existing row gets
version 1, and the aggregates it holds load and save under the shared locking policy afterwards. Postgres only."""

from __future__ import annotations

import asyncio

import asyncpg
import support
from sqlalchemy.ext.asyncio import create_async_engine

from jeugdhulp_common.migrations import upgrade
from signalering.domain.catalogus import CONTEXTBEGELEIDING
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

MIGRATIES = support.ROOT / "services" / "signalering" / "migrations"
TABELLEN = ("signaal", "thema", "lerend_netwerk_sessie", "forum", "discussietafel", "actiepunt", "beleidsaanbeveling")


async def test_existing_rows_get_version_1_and_still_load_and_save() -> None:
    url, dsn = await support.fresh_database("signalering", "i15_versie")
    await asyncio.to_thread(upgrade, MIGRATIES, url, "0003_i11")  # the head before 0006_i15
    conn = await asyncpg.connect(dsn)
    engine = create_async_engine(url)
    try:
        for tabel in TABELLEN:  # as the tables were before this change
            await conn.execute(f"ALTER TABLE {tabel} DROP COLUMN IF EXISTS version")
        voor = await conn.fetchval("SELECT count(*) FROM thema")
        assert voor > 0  # the seeded catalogue

        await asyncio.to_thread(upgrade, MIGRATIES, url)
        assert await conn.fetchval("SELECT version_num FROM alembic_version") == "0006_i15"
        assert await conn.fetch("SELECT DISTINCT version FROM thema") == [(1,)]

        async with SignaleringUnitOfWork(engine) as uow:
            thema = await uow.themas.get(CONTEXTBEGELEIDING.thema_id)
            assert thema.naam == CONTEXTBEGELEIDING.naam
            thema.subthemas.append("Nieuw subthema")
        rij = await conn.fetchrow("SELECT version, data->'subthemas' AS s FROM thema WHERE thema_id = $1", CONTEXTBEGELEIDING.thema_id)
        assert rij["version"] == 2 and "Nieuw subthema" in rij["s"]
    finally:
        await engine.dispose()
        await conn.close()
