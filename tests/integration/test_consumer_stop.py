"""A consumer asked to stop while a record's effect keeps failing (its database away) leaves that record, and the rest
of its batch, for redelivery: it stops at once, not after retrying for as long as the failure lasts (its backoff ends
when the process stops), and no offset of the batch is marked for commit. On the real Postgres, records handed to the
consumer as the broker would (see test_consumer_inbox.py)."""

from __future__ import annotations

import asyncio
import uuid

import support
from events_factory import as_consumer_record, gescreend

from jeugdhulp_common.consumer import EventConsumer
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.db import make_engine
from jeugdhulp_common.kafka import KafkaConnection

SERVICE_DB = "traject"
BACKOFF = 60.0  # the first retry's wait: far longer than the test may take


async def test_a_record_that_keeps_failing_is_left_for_redelivery_when_the_consumer_stops() -> None:
    calls = 0

    async def handler(session, ev, meta) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionRefusedError("the database is away")  # transient: retried for as long as it lasts

    engine = make_engine(support.database_url(SERVICE_DB))
    consumer = EventConsumer(
        group_id=f"stop-{uuid.uuid4().hex[:8]}", kafka=support.kafka(), engine=engine,
        handlers={AanmeldingGescreend: handler}, backoff_initial=BACKOFF, backoff_max=BACKOFF,
    )
    evs = [gescreend(), gescreend()]
    stop = asyncio.Event()
    try:
        task = asyncio.create_task(consumer.process_batch([as_consumer_record(ev, offset=i) for i, ev in enumerate(evs)], stop))
        await support.wait_for(lambda: calls >= 2, timeout=30, what="the batch rolled back and the first record retried")
        stop.set()  # while the first record waits out its backoff
        await asyncio.wait_for(task, timeout=5)
    finally:
        await engine.dispose()
    assert calls == 2  # the batch, then the first record once: the second record was not tried
    assert consumer._pending == {}  # noqa: SLF001 - no offset of the batch is committed
    assert await support.db_fetchval(SERVICE_DB, "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", [ev.event_id for ev in evs]) == 0


async def test_a_record_whose_dead_letter_cannot_be_published_is_left_for_redelivery_when_the_consumer_stops(caplog) -> None:
    """The dead-letter publish retries until the broker acks it, but not past a stop: the record is then left undone
    (``process`` says False, so its offset is not marked) and the next owner of its partition reads it again."""

    async def handler(session, ev, meta) -> None:
        raise ValueError("this record's effect fails for good")  # not transient: dead-lettered after one attempt

    away = KafkaConnection(bootstrap_servers=f"127.0.0.1:{support.free_port()}")  # nothing listens there
    engine = make_engine(support.database_url(SERVICE_DB))
    consumer = EventConsumer(
        group_id=f"stop-dlt-{uuid.uuid4().hex[:8]}", kafka=away, engine=engine,
        handlers={AanmeldingGescreend: handler}, max_attempts=1, backoff_initial=BACKOFF, backoff_max=BACKOFF,
    )
    stop = asyncio.Event()
    try:
        task = asyncio.create_task(consumer.process(as_consumer_record(gescreend()), stop))
        await support.wait_for(
            lambda: any(r.getMessage().startswith("dead-letter publish failed") for r in caplog.records), timeout=30,
            what="a failed dead-letter publish",
        )
        stop.set()  # while the publish waits out its backoff
        assert await asyncio.wait_for(task, timeout=5) is False
    finally:
        await engine.dispose()
    assert consumer.dead_lettered == 0
    assert consumer._dlt_producer is None  # noqa: SLF001 - the producer that could not start was closed, not kept
