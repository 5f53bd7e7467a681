"""Transactional outbox and its relay.

A service writes its state change and its events in ONE database transaction (:func:`add`). The relay
(:class:`OutboxRelay`) publishes unpublished rows in id order with an idempotent producer (acks=all)
and marks them published only after the broker acknowledged them. A crash between the two republishes
the batch (duplicates on the wire are possible; consumers deduplicate by event id); nothing is lost.

Two relay instances may run at once: each batch runs in a transaction that takes a transaction-scoped
advisory lock and, in the same statement, claims rows with ``FOR UPDATE SKIP LOCKED``. Only one batch is
in flight per database at a time, so no row is published by two instances and the order per key
is kept. The other instance is a hot standby. Events of one aggregate are written after the aggregate's
own row is updated in the same transaction, so their ids follow the aggregate's commit order.

Nothing stalls the stream. An event the broker could never take (larger than ``JH_TOPIC_MAX_MESSAGE_BYTES``)
is refused by :func:`add`, in the request that makes it. A row the broker still refuses for a reason no retry
fixes (:data:`UNPUBLISHABLE`: too large after a topic's limit was lowered, unknown topic, no write ACL) is
parked (``parked_at``, ``parked_reason``), logged once and counted: the relay goes on with every other key,
while the later rows of its topic and key wait behind it until an operator re-queues it
(``jeugdhulp-ops outbox requeue``). Each batch is sent in waves, one row per key at a time, so a row goes
out only after the previous row of its key was acknowledged: a refusal can never let a later event of the
same key overtake it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable

import asyncpg
from aiokafka import AIOKafkaProducer, errors
from opentelemetry import trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncEngine

from jeugdhulp_common.db import Db, insert_rows, own_driver_connection
from jeugdhulp_common.events import Event, ce_headers, encode_body
from jeugdhulp_common import metrics
from jeugdhulp_common.bounded import at_most
from jeugdhulp_common.kafka import KafkaConnection
from jeugdhulp_common.problems import ProblemError
from jeugdhulp_common.tracing import context_from, current_carrier, recording, strip_trace_headers, tracer

log = logging.getLogger(__name__)

from jeugdhulp_common.tables import inbox_table, outbox_table  # noqa: E402, F401 - re-exported

# One advisory lock id for "the relay of this database" (each service has its own database).
RELAY_LOCK_ID = 0x4A48_0001


def outbox_row(ev: Event, carrier: dict[str, str] | None = None) -> dict[str, object]:
    """The outbox row of ``ev``; its headers carry the current trace context (``carrier``: already taken, e.g. once for
    all events of one transaction)."""
    return {
        "event_id": ev.event_id,
        "topic": ev.topic,
        "key": ev.key,
        "event_type": ev.event_type,
        "headers": ce_headers(ev) | (current_carrier() if carrier is None else carrier),
        "payload": encode_body(ev).decode(),
    }


# The largest record the relay may publish (key + value + headers), set from JH_TOPIC_MAX_MESSAGE_BYTES by each
# service at start (:func:`set_max_event_bytes`). A record batch adds some bytes of framing: keep a margin.
RECORD_OVERHEAD_BYTES = 512
_max_event_bytes = 1_048_576


def set_max_event_bytes(max_message_bytes: int) -> None:
    global _max_event_bytes
    _max_event_bytes = max_message_bytes


def record_size(row: dict[str, object]) -> int:
    headers = row["headers"]
    assert isinstance(headers, dict)
    return (
        len(str(row["payload"]).encode())
        + len(str(row["key"]).encode())
        + sum(len(k.encode()) + len(str(v).encode()) for k, v in headers.items())
        + RECORD_OVERHEAD_BYTES
    )


class EventTooLarge(ProblemError):
    """An event that the broker would refuse: the request that made it is refused (413), nothing is written.

    ``errors[].field`` names the request field that the event's largest field came from (``Event.request_fields``;
    the same name where the event does not say otherwise).
    """

    def __init__(self, ev: Event, size: int, limit: int) -> None:
        body = json.loads(encode_body(ev))
        largest = max(body, key=lambda k: len(json.dumps(body[k]))) if isinstance(body, dict) and body else "body"
        field = type(ev).request_fields.get(largest, largest)
        message = f"the {ev.event_type} event would be {size} bytes; events are limited to {limit} bytes"
        super().__init__(
            413,
            "Content too large",
            f"{message}: shorten {field}",
            errors=[{"field": field, "type": "event_too_large", "message": message}],
        )


async def add(session: Db, events: Iterable[Event]) -> None:
    """Stage events in the caller's transaction. They are published only if that transaction commits.

    An event larger than the broker takes raises :class:`EventTooLarge` before anything is written, so the
    caller's transaction rolls back and the request is refused instead of a row the relay could never publish.
    """
    events = list(events)
    if not events:
        return
    rows = []
    carrier = current_carrier()  # the same for every event of this transaction
    for ev in events:
        row = outbox_row(ev, carrier)
        size = record_size(row)
        if size > _max_event_bytes:
            raise EventTooLarge(ev, size, _max_event_bytes)
        rows.append(row)
    await insert_rows(session, outbox_table, rows)


# Broker or client refusals that no retry will fix: the row is parked until an operator re-queues it.
UNPUBLISHABLE = (
    errors.MessageSizeTooLargeError,
    errors.RecordTooLargeError,
    errors.RecordListTooLargeError,
    errors.InvalidTopicError,
    errors.TopicAuthorizationFailedError,
    errors.CorruptRecordException,
    errors.UnsupportedForMessageFormatError,
)


def is_unpublishable(exc: BaseException) -> bool:
    return isinstance(exc, UNPUBLISHABLE)


# The relay's statements as plain SQL (prepared once per connection; no statement built per poll).
# The advisory lock and the claim in one round trip: the lock is a one-time filter (an InitPlan) evaluated before any row
# is read or locked, so a relay that does not get it claims nothing (and returns 0, as when there is nothing to do).
# set_config: this transaction's commit (marking rows published or parked) does not wait for the WAL flush; if a database
# crash loses the mark, the rows are published again, duplicates the consumers' inbox absorbs (as after a relay crash
# between the ack and the commit). The flush would otherwise compete with the consumers' commits for the disk.
CLAIM_SQL = """
SELECT id, topic, key, headers, payload, set_config('synchronous_commit', 'off', true)
FROM outbox
WHERE (SELECT pg_try_advisory_xact_lock($1)) AND published_at IS NULL AND parked_at IS NULL
  AND (topic, key) NOT IN (SELECT topic, key FROM outbox WHERE published_at IS NULL AND parked_at IS NOT NULL)
ORDER BY id
LIMIT $2
FOR UPDATE SKIP LOCKED
"""
MARK_PUBLISHED_SQL = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])"
PARK_SQL = "UPDATE outbox SET parked_at = now(), parked_reason = $2 WHERE id = $1"
SEQUENCE_SQL = "SELECT pg_sequence_last_value(pg_get_serial_sequence('outbox', 'id')::regclass)"


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        kafka: KafkaConnection,
        *,
        batch_size: int = 200,
        idle_seconds: float = 0.2,
        max_backoff_seconds: float = 5.0,
        retention_hours: float = 168.0,
        purge_interval_seconds: float = 300.0,
        wake: asyncio.Event | None = None,
        max_request_bytes: int | None = None,
        close_seconds: float = 1.0,
    ) -> None:
        self.engine = engine
        self.close_seconds = close_seconds
        self.kafka = kafka
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.retention_hours = retention_hours
        self.purge_interval_seconds = purge_interval_seconds
        # Set by a NOTIFY after outbox inserts (jeugdhulp_common.notify): the relay polls at once instead of
        # waiting out idle_seconds. The poll stays as the fallback (listener down, notification lost).
        self.wake = wake
        self.max_request_bytes = max_request_bytes or _max_event_bytes
        self._producer: AIOKafkaProducer | None = None
        self._last_purge = 0.0
        self.published = 0
        self._highest_claimed = 0  # the highest outbox id this relay has claimed
        self.next_poll_in: float | None = None  # seconds until the next poll unless woken (observable in tests)
        self.rows_beyond_claimed = False  # the last batch saw ids drawn past its highest claimed one

    async def _get_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            # No linger: a batch's records are all queued before the sender runs, so they still travel together,
            # and a lone event (the common case when idle) is not held back.
            producer = self.kafka.producer(linger_ms=0, max_request_size=self.max_request_bytes)
            try:
                await producer.start()
            except BaseException:  # not left open ("Unclosed AIOKafkaProducer"): the next batch builds a new one
                await at_most(self.close_seconds, "outbox relay producer close", producer.stop())
                raise
            self._producer = producer
        return self._producer

    async def _drop_producer(self) -> None:
        """Close the producer, waiting at most ``close_seconds`` (with the broker away its close would wait for the
        unacknowledged records' request timeout; a row not marked published is published again, see the module text)."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await at_most(self.close_seconds, "outbox relay producer close", producer.stop())

    async def run_once(self) -> int:
        """Publish one batch. Returns the number of rows published (0: nothing to do, or another relay is busy).

        The relay's own database statements are not traced (it polls several times a second); each
        published row gets a producer span in the trace of the request that wrote it (when this process records spans).
        """
        producer = await self._get_producer()
        with suppress_instrumentation():
            return await self._publish_batch(producer)

    async def _publish_batch(self, producer: AIOKafkaProducer) -> int:
        """Claim a batch and publish it in waves: each wave sends the next row of every (topic, key) and waits for
        the acks, so a row goes out only after the previous row of its key was acked. A row refused for good is
        parked and the rest of its key waits behind it (here and in later batches); every other key goes on.

        One pooled connection per batch, used through its asyncpg driver: ``BEGIN``, the claim, the marks, ``COMMIT``
        (without waiting for the WAL flush), then, when a follow-up poll may be needed, the outbox's id sequence
        (:meth:`_read_beyond_claimed`), all prepared statements of that connection, none through SQLAlchemy's
        execution layer (a profile of the relay found that layer and a second check-out per batch at about a
        quarter of its CPU time)."""
        self.rows_beyond_claimed = False
        async with self.engine.connect() as conn:
            raw = await own_driver_connection(conn)
            try:
                published, parked, transient = await self._publish_on(raw, producer)
            except BaseException:
                # Statements sent past SQLAlchemy are not watched by it: a connection that was lost, or whose
                # transaction did not end (cancelled mid-statement), is not returned to the pool.
                if raw.is_closed() or raw.is_in_transaction():
                    await conn.invalidate()
                raise
        for row in published:
            metrics.OUTBOX_PUBLISHED.labels(row["topic"]).inc()
        self.published += len(published)
        if transient is not None:
            raise transient  # after committing what was acked: the caller backs off and rebuilds the producer
        return len(published) + parked

    async def _publish_on(self, raw: asyncpg.Connection, producer: AIOKafkaProducer) -> tuple[list, int, BaseException | None]:
        """The batch on ``raw``: the rows published, the number parked, and the first transient error (or None)."""
        published: list = []
        parked: list[tuple[object, BaseException]] = []
        transient: BaseException | None = None
        async with raw.transaction():
            rows = await raw.fetch(CLAIM_SQL, RELAY_LOCK_ID, self.batch_size)
            if not rows:
                return published, 0, None
            self._highest_claimed = max(self._highest_claimed, rows[-1]["id"])
            queues: dict[tuple[str, str], list] = {}
            for row in rows:
                queues.setdefault((row["topic"], row["key"]), []).append(row)
            while queues:
                wave = [(k, q.pop(0)) for k, q in queues.items()]
                results = await self._send_wave(producer, [row for _, row in wave])
                for (k, row), result in zip(wave, results, strict=True):
                    if isinstance(result, BaseException):
                        if isinstance(result, asyncio.CancelledError):
                            raise result
                        if is_unpublishable(result):
                            parked.append((row, result))
                        else:
                            transient = transient or result
                        queues[k] = []  # the rest of this key waits
                    else:
                        published.append(row)
                queues = {k: q for k, q in queues.items() if q}
            if published:
                await raw.execute(MARK_PUBLISHED_SQL, [r["id"] for r in published])
            for row, exc in parked:
                reason = f"{type(exc).__name__}: {exc}"[:500]
                await raw.execute(PARK_SQL, row["id"], reason)
                metrics.OUTBOX_PARKED.labels(row["topic"], type(exc).__name__).inc()
                log.error(
                    "outbox row parked: the broker refuses it; later events of its key wait (jeugdhulp-ops outbox list)",
                    extra={"outbox_id": row["id"], "topic": row["topic"], "error": type(exc).__name__},
                )
        n = len(published) + len(parked)
        if self.wake is not None and 0 < n < self.batch_size:
            try:
                self.rows_beyond_claimed = await self._read_beyond_claimed(raw)
            except Exception:  # noqa: BLE001 - then poll as if there were such rows
                self.rows_beyond_claimed = True
        return published, len(parked), transient

    async def _send_wave(self, producer: AIOKafkaProducer, rows: list) -> list[object]:
        """Hand every row of a wave to the producer, then wait for all their acks: per row its ack or the error that
        refused it (the producer's own, or the broker's). The rows are queued one after the other and their acks
        awaited together, with no task per row."""
        results: list[object] = [None] * len(rows)
        acks: dict[int, asyncio.Future] = {}
        for i, row in enumerate(rows):
            try:
                acks[i] = await self._send(producer, row)
            except Exception as exc:  # noqa: BLE001 - this row's result, as a refused ack would be
                results[i] = exc
        if acks:
            for i, result in zip(acks, await asyncio.gather(*acks.values(), return_exceptions=True), strict=True):
                results[i] = result
        return results

    async def _send(self, producer: AIOKafkaProducer, row) -> asyncio.Future:
        """Queue ``row`` on the producer; the future of its ack."""
        stored = dict(row["headers"])
        topic, key = row["topic"], row["key"]
        if not recording():
            # No span to record (no exporter): the row's stored trace context goes out as it is, without a non-recording
            # span, its context extraction and its injection per event (about a quarter of the relay's time in `serve`).
            return await producer.send(
                topic, value=row["payload"].encode(), key=key.encode(), headers=[(k, v.encode()) for k, v in stored.items()]
            )
        with tracer().start_as_current_span(
            f"{topic} publish",
            context=context_from(stored),
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "publish",
                "messaging.destination.name": topic,
                "messaging.message.id": stored.get("ce_id", ""),
                "messaging.kafka.message.key": key,
                "cloudevents.event_type": stored.get("ce_type", ""),
            },
        ):
            headers = strip_trace_headers(stored) | current_carrier()
            return await producer.send(
                topic,
                value=row["payload"].encode(),
                key=key.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )

    async def purge_published(self) -> int:
        """Delete rows published longer ago than the retention (they are on Kafka; the table must not grow forever)."""
        with suppress_instrumentation():
            async with self.engine.begin() as conn:
                result = await conn.execute(
                    delete(outbox_table).where(
                        outbox_table.c.published_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, self.retention_hours * 3600)
                    )
                )
        return result.rowcount or 0

    # After a batch, polls follow at growing intervals (5 ms, 10 ms, … up to the idle interval) when a row may have been
    # inserted without a NOTIFY: the outbox trigger sends none for a row inserted while an older one is still unpublished
    # (the relay is busy with it), and that row's transaction may commit just after the relay's next poll found nothing.
    FOLLOW_UP_FIRST_SECONDS = 0.005

    async def _read_beyond_claimed(self, raw: asyncpg.Connection) -> bool:
        """Whether the outbox's id sequence has gone past the highest id this relay claimed, read after the batch's commit.

        A row whose NOTIFY the trigger left out was inserted while a row of this batch was still unpublished, so its id
        was drawn before this batch's commit: the sequence shows it (sequences are not transactional) even while its
        transaction is still open. If the sequence has not moved, every later row's trigger sees this batch published
        and notifies: no follow-up poll is needed. (Ids drawn by a transaction that rolled back also count: then the
        follow-ups run for nothing, as they always did.) One statement outside a transaction: no BEGIN/COMMIT."""
        last = await raw.fetchval(SEQUENCE_SQL)
        return (last or 0) > self._highest_claimed

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Publish until ``stop`` is set. Errors (broker or database away) are retried with backoff."""
        stop = stop or asyncio.Event()
        backoff = self.idle_seconds
        follow_up: float | None = None
        try:
            while not stop.is_set():
                if self.wake is not None:
                    self.wake.clear()  # before the batch: a commit during it wakes the next one
                try:
                    n = await self.run_once()
                    backoff = self.idle_seconds
                    if time.monotonic() - self._last_purge > self.purge_interval_seconds:
                        self._last_purge = time.monotonic()
                        await self.purge_published()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the relay must survive broker/database restarts
                    log.warning("outbox relay batch failed, retrying", extra={"error": type(exc).__name__})
                    await self._drop_producer()
                    n = 0
                    backoff = min(max(backoff * 2, 0.5), self.max_backoff_seconds)
                if 0 < n < self.batch_size and self.wake is not None:  # (without NOTIFY, follow-ups find every new row sooner)
                    beyond = self.rows_beyond_claimed  # read by the batch, after its commit
                    # Rows inserted meanwhile without a NOTIFY: poll again at once, then at growing intervals.
                    follow_up = self.FOLLOW_UP_FIRST_SECONDS if beyond else None
                    n = n if beyond else 0
                if n < self.batch_size:
                    timeout = backoff if n == 0 else 0
                    if n == 0 and follow_up is not None and backoff == self.idle_seconds:
                        timeout = min(follow_up, self.idle_seconds)
                        follow_up = follow_up * 2 if follow_up * 2 < self.idle_seconds else None
                    # Idle: until the next poll, a wake-up (not while backing off from an error), or stop.
                    await self._idle(stop, timeout, wakeable=backoff == self.idle_seconds)
        finally:
            await self._drop_producer()

    async def _idle(self, stop: asyncio.Event, timeout: float, *, wakeable: bool) -> None:
        self.next_poll_in = timeout
        if timeout <= 0:
            await asyncio.sleep(0)
            return
        events = [stop, self.wake] if wakeable and self.wake is not None else [stop]
        waiters = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
