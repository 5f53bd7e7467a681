"""While a batch's transaction commits, the consumer takes the next poll's records and decodes them (CPU work beside
Postgres's); they are processed next, after that commit, in partition order, each once. On the real broker and
Postgres, with the consumer's own run loop."""

from __future__ import annotations

import asyncio
import uuid

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
