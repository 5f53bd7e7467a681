"""Prometheus metrics of a service process (``GET /metrics``, text format).

Counters and histograms are kept by the parts of the process that do the work (relay, consumer, HTTP);
the outbox gauges are read from the database at scrape time and the consumer lag from the broker in the background
(:class:`LagMonitor`, every few seconds), so they are true even when the relay or the consumer runs in another process
(or is stopped).

Labels carry topics, event types, partitions, route templates, methods and status codes only: never an
id, a path with ids in it, or any content.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any

from aiokafka import TopicPartition
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from jeugdhulp_common.asgi import ResponseStatus
from jeugdhulp_common.kafka import KafkaConnection, partitions
from jeugdhulp_common.tables import outbox_table

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

# --------------------------------------------------------------------------- outbox relay
OUTBOX_PUBLISHED = Counter("jh_outbox_published_total", "Outbox rows published (acked by the broker)", ["topic"], registry=REGISTRY)
OUTBOX_PARKED = Counter("jh_outbox_parked_total", "Outbox rows parked: refused by the broker for a non-transient reason", ["topic", "reason"], registry=REGISTRY)
OUTBOX_BACKLOG = Gauge("jh_outbox_backlog", "Unpublished, unparked outbox rows", registry=REGISTRY)
OUTBOX_OLDEST_AGE = Gauge("jh_outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished outbox row (0: none)", registry=REGISTRY)
OUTBOX_PARKED_ROWS = Gauge("jh_outbox_parked_rows", "Parked outbox rows waiting for an operator (jeugdhulp-ops outbox requeue)", registry=REGISTRY)
OUTBOX_BLOCKED_ROWS = Gauge("jh_outbox_blocked_rows", "Unpublished rows waiting behind a parked row of the same key", registry=REGISTRY)

# --------------------------------------------------------------------------- consumer
CONSUMED = Counter("jh_consumer_processed_total", "Records processed (effect committed)", ["topic", "event_type"], registry=REGISTRY)
DUPLICATES = Counter("jh_consumer_duplicates_total", "Records already in the inbox (redeliveries, replays): no second effect", ["topic", "event_type"], registry=REGISTRY)
DEAD_LETTERED = Counter("jh_consumer_dead_lettered_total", "Records sent to the dead-letter topic", ["topic"], registry=REGISTRY)
HANDLER_SECONDS = Histogram("jh_consumer_handler_seconds", "Inbox + handler transaction time", ["event_type"], registry=REGISTRY)
BATCH_SECONDS = Histogram("jh_consumer_batch_seconds", "One transaction for a poll's records (inbox + effects), when applied as a batch", registry=REGISTRY)
BATCH_RECORDS = Histogram(
    "jh_consumer_batch_records", "Records per batch transaction", buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000), registry=REGISTRY
)
CONSUMER_LAG = Gauge("jh_consumer_lag", "End offset minus the group's committed offset", ["group", "topic", "partition"], registry=REGISTRY)

# --------------------------------------------------------------------------- HTTP
HTTP_REQUESTS = Counter("jh_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY)
HTTP_SECONDS = Histogram("jh_http_request_seconds", "HTTP request latency", ["method", "route"], registry=REGISTRY)


class HttpMetrics:
    """ASGI middleware: request count and latency by method, route TEMPLATE (``/trajecten/{traject_id}``) and status.
    The labelled series are looked up once per label set and kept (``labels()`` checks and locks at every call)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        sent = ResponseStatus(send)
        try:
            await self.app(scope, receive, sent)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            key = (scope.get("method", ""), route, sent.status or 500)
            children = self._children.get(key)
            if children is None:
                children = (HTTP_REQUESTS.labels(key[0], route, str(key[2])), HTTP_SECONDS.labels(key[0], route))
                if len(self._children) < 1000:  # bounded: methods x route templates x status codes
                    self._children[key] = children
            children[0].inc()
            children[1].observe(time.perf_counter() - start)


def bearer_matches(authorization: str | None, token: str | None) -> bool:
    if not token or not authorization or not authorization.lower().startswith("bearer "):
        return False
    return hmac.compare_digest(authorization[7:].strip().encode(), token.encode())


async def refresh_outbox_gauges(engine: AsyncEngine) -> None:
    o = outbox_table.c
    parked_keys = select(o.topic, o.key).where(o.published_at.is_(None), o.parked_at.is_not(None))
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    func.count().filter(o.parked_at.is_(None)),
                    func.extract("epoch", func.now() - func.min(o.created_at).filter(o.parked_at.is_(None))),
                    func.count().filter(o.parked_at.is_not(None)),
                ).where(o.published_at.is_(None))
            )
        ).one()
        blocked = await conn.scalar(
            select(func.count()).where(o.published_at.is_(None), o.parked_at.is_(None), tuple_(o.topic, o.key).in_(parked_keys))
        )
    OUTBOX_BACKLOG.set(row[0])
    OUTBOX_OLDEST_AGE.set(float(row[1] or 0))
    OUTBOX_PARKED_ROWS.set(row[2])
    OUTBOX_BLOCKED_ROWS.set(blocked or 0)


async def consumer_lag(kafka: KafkaConnection, group: str, topics: list[str]) -> dict[TopicPartition, int]:
    """Per partition: end offset minus the group's committed offset (no commit yet: the whole partition), with clients of its own."""
    admin = kafka.admin(request_timeout_ms=3000)
    consumer = kafka.consumer(group_id=None, enable_auto_commit=False, request_timeout_ms=3000)
    await admin.start()
    try:
        await consumer.start()
        return await read_lag(admin, consumer, group, topics)
    finally:
        await consumer.stop()
        await admin.close()


async def read_lag(admin: Any, consumer: Any, group: str, topics: list[str]) -> dict[TopicPartition, int]:
    """Per partition of ``topics``: end offset minus ``group``'s committed offset (none committed: the partition's
    beginning), read with the given started admin client and group-less consumer."""
    committed = await admin.list_consumer_group_offsets(group)
    tps = await partitions(consumer, topics)
    ends = await consumer.end_offsets(tps) if tps else {}
    begins = await consumer.beginning_offsets(tps) if tps else {}
    out = {}
    for tp in tps:
        meta = committed.get(tp)
        done = meta.offset if meta is not None and meta.offset >= 0 else begins[tp]
        out[tp] = max(ends[tp] - done, 0)
    return out


class LagMonitor:
    """Keeps ``jh_consumer_lag`` of a consumer group up to date in the background, every ``refresh_seconds``
    (``JH_METRICS_LAG_REFRESH_SECONDS``), with one long-lived admin client and consumer (rebuilt after an error): a
    scrape reads the last figures instead of connecting to the broker itself."""

    def __init__(self, kafka: KafkaConnection, group: str, topics: list[str], *, refresh_seconds: float = 5.0) -> None:
        self.kafka = kafka
        self.group = group
        self.topics = topics
        self.refresh_seconds = refresh_seconds

    async def run(self, stop: asyncio.Event) -> None:
        clients: tuple[Any, Any] | None = None
        try:
            while not stop.is_set():
                try:
                    if clients is None:
                        admin = self.kafka.admin(request_timeout_ms=3000)
                        consumer = self.kafka.consumer(group_id=None, enable_auto_commit=False, request_timeout_ms=3000)
                        clients = (admin, consumer)
                        await admin.start()
                        await consumer.start()
                    lag = await asyncio.wait_for(read_lag(*clients, self.group, self.topics), timeout=10)
                    for tp, n in lag.items():
                        CONSUMER_LAG.labels(self.group, tp.topic, str(tp.partition)).set(n)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the figures stay as they were; retried next period
                    log.warning("consumer lag not refreshed", extra={"error": type(exc).__name__})
                    await _close(clients)
                    clients = None
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.refresh_seconds)
                except TimeoutError:
                    pass
        finally:
            await _close(clients)


async def _close(clients: tuple[Any, Any] | None) -> None:
    if clients is None:
        return
    admin, consumer = clients
    for close in (consumer.stop, admin.close):
        try:
            await close()
        except Exception:  # noqa: BLE001 - being discarded
            log.debug("kafka client close failed", exc_info=True)


async def render(engine: AsyncEngine) -> tuple[bytes, str]:
    """Refresh the outbox gauges (bounded by a timeout: a scrape must answer while the database is slow) and render; the
    consumer lag comes from the :class:`LagMonitor` of the process."""
    try:
        await asyncio.wait_for(refresh_outbox_gauges(engine), timeout=3)
    except Exception as exc:  # noqa: BLE001 - report what can be reported
        log.warning("outbox gauges not refreshed", extra={"error": type(exc).__name__})
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
