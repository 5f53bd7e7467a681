"""The shared unit of work and repository base on the real Postgres: one transaction for the aggregate, its outbox
events and its audit rows; the one locking policy (FOR UPDATE, bounded by lock_timeout, answered as
GelijktijdigGewijzigd); the version check; a rollback leaves nothing."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import support
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.contracts.aanmelding import IntakeStatusGewijzigd
from jeugdhulp_common.db import make_engine
from jeugdhulp_common.domain import GelijktijdigGewijzigd
from probe_aggregaat import Ding, DingUnitOfWork
from sqlalchemy import text

SERVICE = "webhooks"  # any service database: the probe table is the test's own
P = Principal(credential_id=uuid.uuid4(), organisatie="ORG-PROBE", rollen=frozenset())


@pytest.fixture(scope="module")
async def engine(migrated: None):
    engine = make_engine(support.database_url(SERVICE), lock_timeout_ms=300)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS uow_probe (id uuid PRIMARY KEY, version int NOT NULL, document jsonb NOT NULL, staat text)"))
    yield engine
    await engine.dispose()


def _ev() -> IntakeStatusGewijzigd:
    return IntakeStatusGewijzigd(open=False, reden_code="ANDERE")


async def _outbox(event_ids: list[uuid.UUID]) -> int:
    return await support.db_fetchval(SERVICE, "SELECT count(*) FROM outbox WHERE event_id = ANY($1::uuid[])", event_ids)


async def test_change_events_and_audit_commit_together_or_not_at_all(engine) -> None:
    ding = Ding(uuid.uuid4())
    async with DingUnitOfWork(engine, principal=P) as uow:
        uow.dingen.add(ding)
        uow.audit("AANMAKEN", "Ding", ding.ding_id)
    ev = _ev()
    async with DingUnitOfWork(engine, principal=P) as uow:
        (await uow.dingen.get(ding.ding_id)).klaar(ev)
        uow.audit("KLAAR", "Ding", ding.ding_id)
    row = (await support.db_fetch(SERVICE, "SELECT version, staat, document->>'staat' AS doc FROM uow_probe WHERE id = $1", ding.ding_id))[0]
    assert tuple(row) == (2, "KLAAR", "KLAAR")
    assert await _outbox([ev.event_id]) == 1
    assert await support.db_fetchval(SERVICE, "SELECT count(*) FROM audit_log WHERE aggregate_id = $1", str(ding.ding_id)) == 2

    weg = _ev()
    with pytest.raises(RuntimeError):
        async with DingUnitOfWork(engine, principal=P) as uow:
            (await uow.dingen.get(ding.ding_id)).klaar(weg)
            uow.audit("KLAAR", "Ding", ding.ding_id)
            raise RuntimeError("the domain refused")
    assert await _outbox([weg.event_id]) == 0
    assert await support.db_fetchval(SERVICE, "SELECT version FROM uow_probe WHERE id = $1", ding.ding_id) == 2
    assert await support.db_fetchval(SERVICE, "SELECT count(*) FROM audit_log WHERE aggregate_id = $1", str(ding.ding_id)) == 2


async def test_a_row_held_by_another_change_is_a_409_after_the_lock_timeout(engine) -> None:
    ding = Ding(uuid.uuid4())
    async with DingUnitOfWork(engine, principal=P) as uow:
        uow.dingen.add(ding)
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with DingUnitOfWork(engine, principal=P) as uow:
            await uow.dingen.get(ding.ding_id)
            holding.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await holding.wait()
    try:
        with pytest.raises(GelijktijdigGewijzigd):
            async with DingUnitOfWork(engine, principal=P) as uow:
                await uow.dingen.get(ding.ding_id)
        async with DingUnitOfWork(engine, principal=P) as uow:  # a read takes no lock: it does not wait
            assert (await uow.dingen.lees(ding.ding_id)).ding_id == ding.ding_id
    finally:
        release.set()
        await task
    assert await support.db_fetchval(SERVICE, "SELECT version FROM uow_probe WHERE id = $1", ding.ding_id) == 2


async def test_a_version_moved_behind_the_lock_is_a_concurrent_change(engine) -> None:
    ding = Ding(uuid.uuid4())
    async with DingUnitOfWork(engine, principal=P) as uow:
        uow.dingen.add(ding)
    with pytest.raises(GelijktijdigGewijzigd):
        async with DingUnitOfWork(engine, principal=P) as uow:
            await uow.dingen.get(ding.ding_id)
            await uow.session.execute(text("UPDATE uow_probe SET version = version + 5 WHERE id = :id"), {"id": ding.ding_id})
    assert await support.db_fetchval(SERVICE, "SELECT version FROM uow_probe WHERE id = $1", ding.ding_id) == 1
