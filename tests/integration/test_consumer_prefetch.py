"""While a batch's transaction commits, the consumer takes the next poll's records and decodes them (CPU work beside
Postgres's); they are processed next, after that commit, in partition order, each once. On the real broker and
Postgres, with the consumer's own run loop. That poll never waits for a rebalance that waits for the batch."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import asyncpg
import support
from events_factory import as_record, gescreend

from jeugdhulp_common import db, kafka
from jeugdhulp_common.consumer import EventConsumer
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend

SERVICE_DB = "traject"
N = 600


async def start_at_the_end(group: str, topic: str) -> None:
    """Commit the group's offsets at the end of ``topic``, so that it reads only what comes after."""
    c = support.kafka().consumer(group_id=group, enable_auto_commit=False)
    await c.start()
    try:
        tps = await kafka.partitions(c, [topic], refresh=True)
        c.assign(tps)
        await c.seek_to_end(*tps)
        await c.commit({tp: await c.position(tp) for tp in tps})
    finally:
        await c.stop()


async def test_a_poll_taken_while_a_batch_commits_is_processed_next_in_order_each_record_once() -> None:
    aanmelding_id = uuid.uuid4()  # one key: one partition, so the records' order is the topic's
    events = [gescreend(aanmelding_id) for _ in range(N)]
    ours = {ev.event_id for ev in events}
    seen: list[uuid.UUID] = []
    visible: list[int] = []  # per record of ours: how many of ours its transaction sees in the inbox

    async def handler(session, ev, meta) -> None:
        if ev.event_id in ours:
            visible.append((await db.fetchrow(session, "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", list(ours)))[0])
            seen.append(ev.event_id)

    group = f"prefetch-{uuid.uuid4().hex[:8]}"
    await start_at_the_end(group, AanmeldingGescreend.topic)  # not the topic's history (other tests' records)
    await support.produce_raw(AanmeldingGescreend.topic, [as_record(ev) for ev in events])
    engine = db.make_engine(support.database_url(SERVICE_DB))
    consumer = EventConsumer(
        group_id=group, kafka=support.kafka(), engine=engine,
        handlers={AanmeldingGescreend: handler}, max_poll_records=50,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await support.wait_for(lambda: len(seen) >= N, timeout=120, what="every record handled")
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await engine.dispose()

    assert seen == [ev.event_id for ev in events]  # each once, in the topic's order
    assert consumer.prefetched > 0  # some polls were taken during a commit
    # Every earlier record's inbox row was committed (or is in the same batch) when a record was handled: no batch
    # ran before the one before it had committed.
    assert all(n >= i + 1 for i, n in enumerate(visible)), [(i, n) for i, n in enumerate(visible) if n < i + 1][:5]
    rows = await support.db_fetchval(SERVICE_DB, "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", list(ours))
    assert rows == N


BLOCKER_LOCK = 0x4A48_0F01  # an advisory lock id of this test only


async def test_a_rebalance_that_starts_while_a_batch_is_in_hand_completes_and_both_consumers_share_the_work() -> None:
    """A rebalance waits (on_partitions_revoked) for the batch in hand; the poll taken beside that batch's commit must not
    wait for the rebalance in turn. aiokafka's ``getmany`` waits for the new assignment while a rebalance is in progress,
    whatever its timeout: without the bound on that poll, consumer A's batch and its rebalance waited for each other
    for good (A left the group at the rebalance timeout and never came back).

    Consumer A's handler is held on an advisory lock the test holds; consumer B joins the group; once A's rebalance has
    begun, the lock is released. The group must then become stable with both members, and every record is handled once."""
    key = uuid.uuid4()
    events = [gescreend(key) for _ in range(20)]
    blocker, ours = events[0].event_id, {ev.event_id for ev in events}
    handled: list[uuid.UUID] = []

    async def handler(session, ev, meta) -> None:
        if ev.event_id == blocker:
            await db.execute(session, "SELECT pg_advisory_xact_lock($1)", BLOCKER_LOCK)
        if ev.event_id in ours:
            handled.append(ev.event_id)

    group = f"prefetch-rebalance-{uuid.uuid4().hex[:8]}"
    await start_at_the_end(group, AanmeldingGescreend.topic)
    engine = db.make_engine(support.database_url(SERVICE_DB))
    holder = await asyncpg.connect(support.asyncpg_dsn(SERVICE_DB))
    await holder.execute("SELECT pg_advisory_lock($1)", BLOCKER_LOCK)
    a, b = (
        EventConsumer(group_id=group, kafka=support.kafka(), engine=engine, handlers={AanmeldingGescreend: handler}, client_id=f"{group}-{name}")
        for name in ("a", "b")
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(a.run(stop))]
    try:
        await support.wait_for(lambda: support.consumer_group_members(group), timeout=60, what="A in the group")
        await support.produce_raw(AanmeldingGescreend.topic, [as_record(ev) for ev in events])

        async def a_waits_on_the_lock() -> bool:
            waiting = await holder.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted", BLOCKER_LOCK
            )
            return waiting > 0

        await support.wait_for(a_waits_on_the_lock, timeout=60, what="A's batch held on the lock")
        tasks.append(asyncio.create_task(b.run(stop)))
        # A learns of the rebalance at its next heartbeat and begins its reassignment (aiokafka's own state: no public
        # view of it), then waits in on_partitions_revoked for the batch in hand.
        await support.wait_for(lambda: a._consumer is not None and a._consumer._subscription.reassignment_in_progress,  # noqa: SLF001
                               timeout=60, what="A's rebalance begun")
        await holder.execute("SELECT pg_advisory_unlock($1)", BLOCKER_LOCK)

        async def stable_with_both() -> bool:
            return await support.consumer_group_members(group) == 2

        await support.wait_for(stable_with_both, timeout=60, what="a stable group of A and B")
        assert a._consumer is not None and a._consumer.assignment() and b._consumer is not None and b._consumer.assignment()  # noqa: SLF001
        await support.wait_for(lambda: set(handled) >= ours, timeout=60, what="every record handled")
    finally:
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=15)
            except TimeoutError:  # a consumer stuck in its batch (the fault this test is about): not left running
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        await holder.close()
        await engine.dispose()
    assert sorted(handled) == sorted(ours)  # each once (the key's records are on one partition, owned by one of them)
