"""Idempotent consumer with a dead-letter topic.

Records are processed in batches (what one poll returned, up to ``max_poll_records``, ``JH_CONSUMER_MAX_POLL_RECORDS``),
in partition order:

1. decode it into its event model (CloudEvents headers + JSON body). Undecodable or schema-invalid
   records are poison: they go to the dead-letter topic at once;
2. in a ``process`` span whose parent is the producer's trace context (from the Kafka headers), run
   ONE database transaction that inserts the event id into the inbox table and applies the handler.
   If the event id is already in the inbox, the record is a redelivery and has no second effect;
3. after the transaction committed, the record's offset may be committed.

A batch (a lone record too) first runs as ONE transaction: the inbox rows of all its records (one statement) and
every record's effect, in one ``process`` span of the batch. The handlers' deferrable writes (``jeugdhulp_common.db``)
are merged and sent at the commit. A record whose headers carry a sampled trace context (in a process that records
spans) is applied in that transaction as in step 2, in its own ``process`` span, child of that context: its inbox row,
its effect and its deferred writes are sent inside that span (after the batch's earlier writes), so its trace shows its
database work; the others cost no span, context or statement of their own. If anything in it fails (a record that cannot be decoded, a handler
error, the database away), the transaction rolls back and the batch is processed again record by record as
described above, so a poison record goes alone to the dead-letter topic and the others take effect.

Transient errors (database or broker unreachable, serialization failures, deadlocks) are retried with
backoff for as long as they last: they are not the message's fault. Any other error is retried up to
``max_attempts`` times, then the record goes to the dead-letter topic with the error in its headers
and consumption continues.

Offsets are committed explicitly and only for processed records, at most every ``commit_interval``
(``JH_CONSUMER_COMMIT_INTERVAL_SECONDS``, 0.2 s) and when stopping. A rebalance waits for the record in
hand, commits what was processed, and the records still buffered for revoked partitions are dropped
(the new owner reads them again), so an unprocessed record's offset is never committed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy.ext.asyncio import AsyncEngine

from jeugdhulp_common import db, metrics
from jeugdhulp_common.bounded import at_most
from jeugdhulp_common.db import Db, defer_writes, driver_connection, send_deferred
from jeugdhulp_common.errors import is_transient, sqlstate
from jeugdhulp_common.events import DecodeError, Event, decode, headers_dict
from jeugdhulp_common.kafka import KafkaConnection
from jeugdhulp_common.topics import dead_letter_topic
from jeugdhulp_common.tracing import context_from, recording, sampled_context, tracer

log = logging.getLogger(__name__)

# The inbox rows of a batch: one statement with one array per column, so it is prepared once whatever the batch size.
INBOX_CLAIM = (
    "INSERT INTO inbox (event_id, event_type, topic) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)


@dataclass(frozen=True)
class MessageMeta:
    topic: str
    partition: int
    offset: int
    headers: Mapping[str, str]


# A handler runs inside the consumer's transaction, on its pooled connection (or, in an operator's rebuild, a session).
Handler = Callable[[Db, Event, MessageMeta], Awaitable[None]]

async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` (a retry's backoff) or until ``stop`` is set, whichever comes first: True when stopping."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


_Decoded = tuple[dict[str, str], Event]


def _decode(record: ConsumerRecord) -> _Decoded | None:
    """A record's headers and event, or None when it cannot be decoded (the record-by-record path dead-letters it)."""
    headers = headers_dict(record.headers)
    try:
        return headers, decode(record.value, headers, topic=record.topic)
    except DecodeError:
        return None


async def _taken(polling: asyncio.Future) -> dict[TopicPartition, list[ConsumerRecord]]:
    """The records of a poll taken beside a commit: none when it is still waiting (it is cancelled: a rebalance in
    progress, see :meth:`EventConsumer._commit_and_prefetch`) or failed (then the next poll, as usual, says what is wrong)."""
    if not polling.done():
        polling.cancel()
        await asyncio.wait((polling,))  # our own cancellation, meanwhile, is not swallowed
    if polling.cancelled() or polling.exception() is not None:
        return {}
    return polling.result()


def _error_name(exc: BaseException) -> str:
    """An error's class, with its SQLSTATE when the database raised it (never its message: it may quote data)."""
    code = sqlstate(exc)
    return type(exc).__name__ if code is None else f"{type(exc).__name__} (SQLSTATE {code})"


@contextmanager
def _attached(context: Context) -> Iterator[None]:
    """``context`` (a record's own trace context, extracted from its headers) as the current one: a traced record in a batch
    runs in it, out of the batch's span and its suppression of instrumentation."""
    token = otel_context.attach(context)
    try:
        yield
    finally:
        otel_context.detach(token)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, owner: EventConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self.owner._processing:  # wait for the record in hand
            self.owner._revoked.update(revoked)
            await self.owner._commit(only=set(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.owner._revoked.difference_update(assigned)


class EventConsumer:
    def __init__(
        self,
        *,
        group_id: str,
        kafka: KafkaConnection,
        engine: AsyncEngine,
        handlers: Mapping[type[Event], Handler],
        max_attempts: int = 5,
        backoff_initial: float = 0.2,
        backoff_max: float = 5.0,
        client_id: str | None = None,
        max_poll_records: int = 500,
        close_seconds: float = 1.0,
        commit_interval: float = 0.2,
    ) -> None:
        self.group_id = group_id
        self.kafka = kafka
        self.engine = engine
        self.handlers = dict(handlers)
        self.topics = sorted({cls.topic for cls in self.handlers})
        self.dlt_topic = dead_letter_topic(group_id)
        self.max_attempts = max_attempts
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.client_id = client_id or group_id
        self.max_poll_records = max_poll_records
        self.commit_interval = commit_interval  # processed offsets are committed at most this often (and at stop, rebalance)
        self.close_seconds = close_seconds  # each step of stopping (last commit, closing the clients) waits at most this
        self._processing = asyncio.Lock()
        self._revoked: set[TopicPartition] = set()
        self._pending: dict[TopicPartition, int] = {}  # next offset to commit, per partition
        self._consumer: AIOKafkaConsumer | None = None
        self._dlt_producer = None
        self.processed = 0
        self.dead_lettered = 0
        self.prefetched = 0  # records taken and decoded while the batch before them committed
        # The next poll, taken and decoded while a batch's commit runs in Postgres (see _commit_and_prefetch).
        self._prefetched: dict[TopicPartition, list[ConsumerRecord]] | None = None
        self._decoded: dict[tuple[str, int, int], _Decoded | None] = {}

    # ------------------------------------------------------------------ lifecycle

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        consumer = self.kafka.consumer(
            group_id=self.group_id,
            client_id=self.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_records=self.max_poll_records,
            # Upper bound of a broker-side long poll; a partition whose fetch is queued behind one waits for it.
            # 100 ms instead of the default 500 ms trims the latency tail for a few idle fetches a second.
            fetch_max_wait_ms=100,
        )
        self._consumer = consumer
        consumer.subscribe(self.topics, listener=_Rebalance(self))
        await consumer.start()
        committing: asyncio.Task | None = None
        next_commit = 0.0
        try:
            while not stop.is_set():
                batch, self._prefetched = self._prefetched or await consumer.getmany(timeout_ms=500), None
                if batch and not stop.is_set():
                    async with self._processing:  # a rebalance waits for the batch in hand
                        ready = [r for tp, rs in batch.items() if tp not in self._revoked and tp in consumer.assignment() for r in rs]
                        if ready:
                            await self.process_batch(ready, stop)
                # The offset commit (a broker round trip, and a write on the broker) runs beside the next poll and batch,
                # one at a time and at most every commit_interval: a record that arrives meanwhile does not wait for it,
                # and a steady trickle of records costs a few commits a second, not one per record. It only ever commits
                # offsets of records already processed.
                if self._pending and (committing is None or committing.done()) and (now := time.monotonic()) >= next_commit:
                    committing = asyncio.create_task(self._commit())
                    next_commit = now + self.commit_interval
        finally:
            # Each step of stopping waits at most close_seconds (the broker may be away): an offset not committed means
            # records delivered again (the inbox absorbs them); a client not closed goes with the process.
            try:
                await at_most(self.close_seconds, "last offset commit", self._last_commit(committing))
            finally:
                self._consumer = None
                await at_most(self.close_seconds, "consumer close", consumer.stop())
                if self._dlt_producer is not None:
                    producer, self._dlt_producer = self._dlt_producer, None
                    await at_most(self.close_seconds, "dead-letter producer close", producer.stop())

    async def _last_commit(self, committing: asyncio.Task | None) -> None:
        if committing is not None:
            await committing
        await self._commit()

    async def _commit(self, only: set[TopicPartition] | None = None) -> None:
        consumer = self._consumer
        if consumer is None or not self._pending:
            return
        offsets = {tp: off for tp, off in self._pending.items() if only is None or tp in only}
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # The group moved on; the new owner redelivers and the inbox absorbs the duplicates.
            log.warning("offset commit refused after rebalance", extra={"error": type(exc).__name__})
        except KafkaError as exc:
            log.warning("offset commit failed; records will be redelivered", extra={"error": type(exc).__name__})
            return
        for tp in offsets:
            if self._pending.get(tp) == offsets[tp]:
                del self._pending[tp]

    # ------------------------------------------------------------------ a batch

    async def process_batch(self, records: list[ConsumerRecord], stop: asyncio.Event) -> None:
        """Process ``records`` (in partition order) and mark them for the offset commit: in one transaction, else one by one."""
        if (applied := await self._apply_batch(records)) is not None:
            self.processed += applied
        else:
            for record in records:
                if stop.is_set() or not await self.process(record, stop):
                    break  # stopping: this record and the rest are not marked, so they are delivered again
                self._pending[TopicPartition(record.topic, record.partition)] = record.offset + 1
            return
        last: dict[tuple[str, int], int] = {}
        for record in records:  # in partition order: the last offset per partition
            last[record.topic, record.partition] = record.offset
        for (topic, partition), offset in last.items():
            self._pending[TopicPartition(topic, partition)] = offset + 1

    async def _apply_batch(self, records: list[ConsumerRecord]) -> int | None:
        """One transaction for the whole batch: the number of records handled (duplicates included), or None (rolled
        back, nothing done) when any record is not simply applicable.

        Per record only what the record needs: its decoding and its handler. The inbox rows of the batch go in one
        statement, its handlers' deferred writes in the commit, the counters are incremented once per batch, all under the
        batch's one ``process`` span. A record with a sampled trace context (when this process records spans at all) is
        applied as in the record-by-record path, inside its own ``process`` span, child of that context: its inbox row, its
        effect and its deferred writes are sent there (after the batch's writes so far, so the effects keep their order),
        and its trace is kept whole. Records without one cost no span, no context and no statement of their own."""
        handlers = self.handlers
        traced_here = recording()
        decoded: list[tuple[ConsumerRecord, dict[str, str], Event, Context | None]] = []
        ahead, self._decoded = self._decoded, {}
        for record in records:
            key = (record.topic, record.partition, record.offset)
            done = ahead[key] if key in ahead else _decode(record)
            if done is None:
                return None  # poison: the record-by-record path dead-letters it
            headers, ev = done
            decoded.append((record, headers, ev, sampled_context(headers) if traced_here else None))
        started = time.perf_counter()
        counts: dict[tuple[str, str, bool], int] = {}
        handled = 0
        try:
            with self._batch_span(records) as batch_span:
                session = await db.begin(self.engine)  # a pooled connection; released uncommitted, it rolls back
                try:
                    defer_writes(session)  # the effects' outbox rows, audit rows, counters, upserts: merged at commit
                    with suppress_instrumentation():  # the batch's own statements; a traced record's run in its own context
                        fresh = await self._claim(session, [(record.topic, ev) for record, _, ev, parent in decoded if parent is None and type(ev) in handlers])
                        for record, headers, ev, parent in decoded:
                            handler = handlers.get(type(ev))
                            if handler is None:
                                if parent is not None:
                                    # Not this service's event, seen and skipped: its trace still shows every group that read it.
                                    with _attached(parent), self._span(record, headers, context=parent) as span:
                                        span.set_attributes({"jeugdhulp.batch": True, "jeugdhulp.ignored": True})
                                continue
                            handled += 1
                            meta = MessageMeta(record.topic, record.partition, record.offset, headers)
                            if parent is None:
                                duplicate = ev.event_id not in fresh
                                fresh.discard(ev.event_id)  # the same event twice in one batch: the second is a redelivery
                                if not duplicate:
                                    await handler(session, ev, meta)
                            else:
                                await send_deferred(session)  # the batch's earlier effects first
                                duplicate = await self._apply_traced(session, record, handler, ev, meta, parent)
                            key = (record.topic, ev.event_type, duplicate)
                            counts[key] = counts.get(key, 0) + 1
                        await self._commit_and_prefetch(session)
                finally:
                    await db.release(session)
                if batch_span.is_recording():
                    batch_span.set_attribute("jeugdhulp.duplicates", sum(n for (_, _, dup), n in counts.items() if dup))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the record-by-record path classifies, retries or dead-letters
            log.info("batch rolled back, processing its records one by one", extra={"error": type(exc).__name__, "records": len(records)})
            return None
        elapsed = time.perf_counter() - started
        for (topic, event_type, duplicate), n in counts.items():
            (metrics.DUPLICATES if duplicate else metrics.CONSUMED).labels(topic, event_type).inc(n)
        metrics.BATCH_SECONDS.observe(elapsed)
        metrics.BATCH_RECORDS.observe(len(records))
        return handled

    async def _commit_and_prefetch(self, session: Db) -> None:
        """Commit the batch's transaction; while Postgres applies its writes, take the next poll's records (those already
        fetched) and decode them, so that CPU work overlaps the wait. Nothing of the next batch touches the database
        before this commit has ended; its records are processed next (filtered for revoked partitions, as any poll).

        The poll never holds the batch beyond its commit: while a rebalance is in progress aiokafka's ``getmany`` waits
        for the new assignment, whatever its timeout, and the rebalance waits (``on_partitions_revoked``) for the batch in
        hand. A poll still waiting when the commit has ended is cancelled (before it took any record)."""
        consumer = self._consumer
        if consumer is None or self._prefetched is not None:
            await db.commit(session)
            return
        committing = asyncio.ensure_future(db.commit(session))
        polling: asyncio.Future | None = None
        try:
            await asyncio.sleep(0)  # the commit sends its statement before the CPU work below
            polling = asyncio.ensure_future(consumer.getmany(timeout_ms=0))
            await asyncio.wait((polling, committing), return_when=asyncio.FIRST_COMPLETED)
            batch = await _taken(polling)
            if batch:
                self._prefetched = batch
                self.prefetched += sum(len(rs) for rs in batch.values())
                for i, record in enumerate(r for rs in batch.values() for r in rs):
                    self._decoded[record.topic, record.partition, record.offset] = _decode(record)
                    if i % 50 == 49:
                        await asyncio.sleep(0)  # let the commit go on as soon as its writes are done
        except BaseException:  # cancelled (stopping): the commit is not left running on the connection being released
            for task in (polling, committing):
                if task is not None:
                    task.cancel()
                    with suppress(BaseException):
                        await task
            raise
        await committing

    async def _apply_traced(
        self, session: Db, record: ConsumerRecord, handler: Handler, ev: Event, meta: MessageMeta, parent: Context
    ) -> bool:
        """A traced record in a batch's transaction, in its own trace's context (its statements traced), as :meth:`_apply`:
        its inbox row, its effect and its deferred writes, inside its ``process`` span. True when it is a redelivery."""
        # No exception details on this span (they may quote data): the record-by-record retry records the error.
        with _attached(parent), self._span(record, meta.headers, context=parent, record_exception=False, set_status_on_exception=False) as span:
            duplicate = not await self._claim(session, [(record.topic, ev)])
            span.set_attributes({"jeugdhulp.batch": True, "jeugdhulp.duplicate": duplicate})
            if not duplicate:
                await handler(session, ev, meta)
                await send_deferred(session)
        return duplicate

    async def _claim(self, session: Db, claims: list[tuple[str, Event]]) -> set:
        """The inbox rows of ``claims`` (each a record's topic and its event) in one statement, prepared once whatever
        their number, on the transaction's asyncpg connection: the event ids (UUIDs) not seen before. The topic is the
        Kafka record's: the record is where the event was read, whatever its class declares."""
        if not claims:
            return set()
        raw = await driver_connection(session)
        rows = await raw.fetch(INBOX_CLAIM, [ev.event_id for _, ev in claims], [ev.event_type for _, ev in claims], [topic for topic, _ in claims])
        return {row[0] for row in rows}

    def _batch_span(self, records: list[ConsumerRecord]):  # noqa: ANN202 - a span context manager
        topics = sorted({r.topic for r in records})
        return tracer().start_as_current_span(
            f"{topics[0] if len(topics) == 1 else 'multiple topics'} process",
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.consumer.group.name": self.group_id,
                "messaging.batch.message_count": len(records),
                "jeugdhulp.batch": True,
            },
            record_exception=False,
            set_status_on_exception=False,
        )

    # ------------------------------------------------------------------ one record

    def _span(self, record: ConsumerRecord, headers: Mapping[str, str], *, context: Context | None = None, **options: bool):  # noqa: ANN202
        return tracer().start_as_current_span(
            f"{record.topic} process",
            context=context if context is not None else context_from(headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.group_id,
                "messaging.kafka.offset": record.offset,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.message.id": headers.get("ce_id", ""),
                "cloudevents.event_type": headers.get("ce_type", ""),
            },
            **options,
        )

    async def process(self, record: ConsumerRecord, stop: asyncio.Event | None = None) -> bool:
        """Apply one record (retrying, dead-lettering as the module text says). False when ``stop`` was set while its
        effect kept failing: it was left undone, for the next owner of its partition (its offset must not be marked)."""
        headers = headers_dict(record.headers)
        with self._span(record, headers) as span:
            try:
                ev = decode(record.value, headers, topic=record.topic)
            except DecodeError as exc:
                span.set_attribute("jeugdhulp.dead_lettered", True)
                return await self.dead_letter(record, reason=exc.reason, attempts=0, stop=stop)
            handler = self.handlers.get(type(ev))
            if handler is None:
                span.set_attribute("jeugdhulp.ignored", True)  # another event on a topic we read
                return True
            meta = MessageMeta(record.topic, record.partition, record.offset, headers)
            failures = 0
            backoff = self.backoff_initial
            while True:
                try:
                    started = time.perf_counter()
                    duplicate = await self._apply(handler, ev, meta)
                    metrics.HANDLER_SECONDS.labels(ev.event_type).observe(time.perf_counter() - started)
                    (metrics.DUPLICATES if duplicate else metrics.CONSUMED).labels(record.topic, ev.event_type).inc()
                    span.set_attribute("jeugdhulp.duplicate", duplicate)
                    self.processed += 1
                    return True
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - classified below
                    if not is_transient(exc):
                        failures += 1
                        if failures >= self.max_attempts:
                            span.record_exception(exc, attributes={"exception.message": type(exc).__name__})
                            span.set_attribute("jeugdhulp.dead_lettered", True)
                            return await self.dead_letter(record, reason=f"{_error_name(exc)}: handler failed", attempts=failures, stop=stop)
                    log.warning(
                        "handler failed, retrying",
                        extra={"event_id": str(ev.event_id), "error": type(exc).__name__, "transient": is_transient(exc)},
                    )
                    if stop is None:
                        await asyncio.sleep(backoff)
                    elif await _stopped_within(stop, backoff):  # the record is left undone
                        log.info("stopping: a failing record is left for redelivery", extra={"event_id": str(ev.event_id)})
                        return False
                    backoff = min(backoff * 2, self.backoff_max)

    async def _apply(self, handler: Handler, ev: Event, meta: MessageMeta) -> bool:
        """One transaction: inbox row + effect (its writes sent as they come). Returns True when the event had been
        processed before."""
        session = await db.begin(self.engine)
        try:
            if not await self._claim(session, [(meta.topic, ev)]):
                return True
            await handler(session, ev, meta)
            await db.commit(session)
        finally:
            await db.release(session)
        return False

    async def dead_letter(self, record: ConsumerRecord, *, reason: str, attempts: int, stop: asyncio.Event | None = None) -> bool:
        """Publish the record unchanged to the dead-letter topic, with why in ``dlt.*`` headers. Retries until acked:
        True then; False when ``stop`` was set while the publish kept failing (the record is left undone: its offset
        must not be marked, and the next owner of its partition reads it again)."""
        headers = list(record.headers or []) + [
            ("dlt.reason", reason.encode()),
            ("dlt.attempts", str(attempts).encode()),
            ("dlt.original.topic", record.topic.encode()),
            ("dlt.original.partition", str(record.partition).encode()),
            ("dlt.original.offset", str(record.offset).encode()),
            ("dlt.consumer.group", self.group_id.encode()),
        ]
        backoff = self.backoff_initial
        while True:
            try:
                if self._dlt_producer is None:
                    producer = self.kafka.producer()
                    try:
                        await producer.start()
                    except BaseException:
                        await at_most(self.close_seconds, "dead-letter producer close", producer.stop())
                        raise
                    self._dlt_producer = producer
                await self._dlt_producer.send_and_wait(self.dlt_topic, value=record.value, key=record.key, headers=headers)
                self.dead_lettered += 1
                metrics.DEAD_LETTERED.labels(record.topic).inc()
                log.error("record dead-lettered", extra={"topic": record.topic, "offset": record.offset, "reason": reason[:200]})
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep trying: the offset must not move before the DLT has it
                log.warning("dead-letter publish failed, retrying", extra={"error": type(exc).__name__})
                if self._dlt_producer is not None:
                    producer, self._dlt_producer = self._dlt_producer, None
                    await at_most(self.close_seconds, "dead-letter producer close", producer.stop())
                if stop is None:
                    await asyncio.sleep(backoff)
                elif await _stopped_within(stop, backoff):
                    log.info("stopping: a record not yet dead-lettered is left for redelivery", extra={"topic": record.topic, "offset": record.offset})
                    return False
                backoff = min(backoff * 2, self.backoff_max)
