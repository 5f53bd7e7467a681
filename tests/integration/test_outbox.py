"""Transactional outbox and relay against the real database and broker."""

from __future__ import annotations

import asyncio
import gc
import signal
import uuid
from collections import Counter, defaultdict

import pytest
import support
from aiokafka.errors import KafkaError
from events_factory import gescreend

from jeugdhulp_common import outbox, topics
from jeugdhulp_common.db import make_engine, make_sessionmaker
from jeugdhulp_common.kafka import KafkaConnection
from jeugdhulp_common.outbox import OutboxRelay

SERVICE = "aanmelding"


async def stage(events, *, per_transaction: int = 500) -> None:
    engine = make_engine(support.database_url(SERVICE))
    try:
        sm = make_sessionmaker(engine)
        for i in range(0, len(events), per_transaction):
            async with sm.begin() as session:
                await outbox.add(session, events[i : i + per_transaction])
    finally:
        await engine.dispose()


async def published_count(ids: list[uuid.UUID]) -> int:
    return await support.db_fetchval(SERVICE, "SELECT count(*) FROM outbox WHERE event_id = ANY($1) AND published_at IS NOT NULL", ids)


async def on_wire(ids: set[uuid.UUID]) -> list:
    records = await support.read_topic(topics.AANMELDING_MICRO)
    return [r for r in records if uuid.UUID(support.header(r, "ce_id")) in ids]


async def test_a_rolled_back_transaction_publishes_nothing() -> None:
    ev = gescreend()
    engine = make_engine(support.database_url(SERVICE))
    try:
        sm = make_sessionmaker(engine)
        async with sm() as session:
            await session.begin()
            await outbox.add(session, [ev])
            await session.rollback()
    finally:
        await engine.dispose()
    assert await support.db_fetchval(SERVICE, "SELECT count(*) FROM outbox WHERE event_id = $1", ev.event_id) == 0


async def test_relay_publishes_each_row_once_in_order_per_key_with_cloudevents_headers() -> None:
    keys = [uuid.uuid4() for _ in range(5)]
    events = [gescreend(aanmelding_id=keys[i % 5]) for i in range(200)]
    await stage(events, per_transaction=40)

    engine = make_engine(support.database_url(SERVICE))
    relay = OutboxRelay(engine, support.kafka(), batch_size=30)
    try:
        ids = [e.event_id for e in events]
        while await published_count(ids) < len(ids):
            await relay.run_once()
    finally:
        await relay._drop_producer()  # noqa: SLF001
        await engine.dispose()

    records = await on_wire(set(ids))
    assert Counter(support.header(r, "ce_id") for r in records) == Counter(str(i) for i in ids)
    by_key: dict[str, list[str]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_key[r.key.decode()].append(support.header(r, "ce_id"))
    for k in keys:
        assert by_key[str(k)] == [str(e.event_id) for e in events if e.aanmelding_id == k]
    r = records[0]
    assert support.header(r, "ce_specversion") == "1.0"
    assert support.header(r, "ce_type") == "be.jeugdhulp.aanmelding.AanmeldingGescreend"
    assert support.header(r, "ce_source") == "/jeugdhulp/aanmelding"
    assert support.header(r, "ce_subject") == r.key.decode()
    assert support.header(r, "ce_schemaversion") == "1"
    assert support.header(r, "ce_privacyclass") == "Ps"
    assert support.header(r, "content-type") == "application/json"


async def test_relay_killed_mid_batch_loses_nothing_after_restart(log_dir) -> None:
    events = [gescreend() for _ in range(4000)]
    ids = [e.event_id for e in events]
    await stage(events)

    env = {"JH_RELAY_BATCH_SIZE": "10"}
    relay = support.ServiceProcess(SERVICE, "relay", log_dir=log_dir, env=env).start()
    try:
        await support.wait_for(lambda: published_count(ids), timeout=60, interval=0.02, what="first published rows")
        relay.kill(signal.SIGKILL)
    finally:
        relay.stop()
    published_at_kill = await published_count(ids)
    assert 0 < published_at_kill < len(ids), "the relay must be killed while rows are still unpublished"

    relay = support.ServiceProcess(SERVICE, "relay", log_dir=log_dir, env=env).start()
    try:
        await support.wait_for(lambda: _all(ids), timeout=180, what="all rows published after restart")
    finally:
        relay.stop()

    seen = Counter(uuid.UUID(support.header(r, "ce_id")) for r in await on_wire(set(ids)))
    assert set(seen) == set(ids), f"{len(set(ids) - set(seen))} events lost"
    print(f"relay SIGKILL: {published_at_kill} published before the kill, {sum(seen.values()) - len(ids)} duplicates on the wire")


async def _gt(value, than: int) -> bool:  # noqa: ANN001
    return await value > than


async def _all(ids: list[uuid.UUID]) -> bool:
    return await published_count(ids) == len(ids)


async def test_two_relays_at_once_publish_each_row_once_and_keep_key_order(log_dir) -> None:
    env = {"JH_RELAY_BATCH_SIZE": "25"}
    listening = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
    before = await support.db_fetchval(SERVICE, listening)
    relays = [support.ServiceProcess(SERVICE, "relay", log_dir=log_dir, env=env).start() for _ in range(2)]
    try:
        # both relays up (each listens for the outbox's NOTIFY) before the rows come, so that they compete
        await support.wait_for(lambda: _gt(support.db_fetchval(SERVICE, listening), before + 1), timeout=60, what="two relays listening")
        keys = [uuid.uuid4() for _ in range(4)]
        events = [gescreend(aanmelding_id=keys[i % 4]) for i in range(1500)]
        ids = [e.event_id for e in events]
        await stage(events, per_transaction=50)
        await support.wait_for(lambda: _all(ids), timeout=120, what="all rows published by two relays")
        for r in relays:
            r.assert_running()
    finally:
        for r in relays:
            r.stop()

    records = await on_wire(set(ids))
    counts = Counter(support.header(r, "ce_id") for r in records)
    assert max(counts.values()) == 1 and len(counts) == len(ids)
    by_key: dict[str, list[str]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_key[r.key.decode()].append(support.header(r, "ce_id"))
    for k in keys:
        assert by_key[str(k)] == [str(e.event_id) for e in events if e.aanmelding_id == k]


async def test_published_rows_older_than_the_retention_are_purged_and_unpublished_ones_kept() -> None:
    old, fresh = gescreend(), gescreend()
    await stage([old, fresh])
    engine = make_engine(support.database_url(SERVICE))
    relay = OutboxRelay(engine, support.kafka(), retention_hours=1)
    try:
        while await published_count([old.event_id, fresh.event_id]) < 2:
            await relay.run_once()
        conn = await __import__("asyncpg").connect(support.asyncpg_dsn(SERVICE))
        try:
            await conn.execute("UPDATE outbox SET published_at = now() - interval '2 hours' WHERE event_id = $1", old.event_id)
        finally:
            await conn.close()
        waiting = gescreend()
        await stage([waiting])  # not yet published: must survive any purge
        await relay.purge_published()
    finally:
        await relay._drop_producer()  # noqa: SLF001
        await engine.dispose()
    remaining = {r["event_id"] for r in await support.db_fetch(SERVICE, "SELECT event_id FROM outbox WHERE event_id = ANY($1)", [old.event_id, fresh.event_id, waiting.event_id])}
    assert remaining == {fresh.event_id, waiting.event_id}


async def test_a_relay_whose_producer_cannot_start_leaves_no_producer_open() -> None:
    """The broker away at start: the producer that could not start is closed (aiokafka reports an unclosed one from its
    finaliser through the event loop's exception handler), and the next batch builds a new one."""
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(str(context.get("message"))))
    engine = make_engine(support.database_url(SERVICE))
    try:
        relay = OutboxRelay(engine, KafkaConnection(bootstrap_servers=f"127.0.0.1:{support.free_port()}"))  # nothing listens
        with pytest.raises(KafkaError):
            await relay.run_once()
        assert relay._producer is None  # noqa: SLF001
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
        await engine.dispose()
    assert not [m for m in reported if "Unclosed AIOKafkaProducer" in m]
