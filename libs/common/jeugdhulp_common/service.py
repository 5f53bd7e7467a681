"""How every service runs: one definition, four commands.

    python -m <service> migrate              # Alembic upgrade head on the service's own database
    python -m <service> serve [--port P]     # API + outbox relay + consumer (+ the service's timers)
    python -m <service> relay                # only the outbox relay
    python -m <service> consume              # only the consumer

``serve`` flags ``--no-relay`` / ``--no-consumer`` / ``--no-background`` switch parts off, so several
processes of one service can split the work (and tests can kill one part).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common import topics
from jeugdhulp_common.bounded import at_most
from jeugdhulp_common.api import BodySizeLimit, problem_responses
from jeugdhulp_common.audit import RefusalAudit
from jeugdhulp_common.auth import CredentialCache, Principal, Toegangsrol, authenticator, require
from jeugdhulp_common.tables import audit_log_table
from jeugdhulp_common.consumer import EventConsumer, Handler
from jeugdhulp_common.db import make_engine, make_sessionmaker
from jeugdhulp_common.events import Event
from jeugdhulp_common.kafka_admin import ensure_topics
from jeugdhulp_common.logging import setup_logging
from jeugdhulp_common.metrics import HttpMetrics, LagMonitor, bearer_matches
from jeugdhulp_common.metrics import render as render_metrics
from jeugdhulp_common.migrations import upgrade
from jeugdhulp_common.notify import OUTBOX_CHANNEL, Listener
from jeugdhulp_common.outbox import OutboxRelay, set_max_event_bytes
from jeugdhulp_common.problems import install_problem_handlers, problem
from jeugdhulp_common.settings import CommonSettings, load_settings
from jeugdhulp_common.tracing import ServerSpans, instrument_asyncpg, setup_tracing

log = logging.getLogger(__name__)

_metrics_bearer = HTTPBearer(auto_error=False)

BackgroundTask = Callable[[asyncio.Event], Awaitable[None]]


class Shutdown:
    """The bounded shutdown of a process (``serve``, ``relay``, ``consume``) on SIGTERM or SIGINT: it ends within
    ``seconds`` (``JH_SHUTDOWN_SECONDS``) whatever the broker and the database do (away, refusing, or not answering at
    all). Each step waits at most its share of ``seconds`` and is then given up, which is logged (the step and the
    workers' names, never data): ``serve``'s requests in flight get 30 %, the workers (relay, consumer, listener,
    timers) 40 % to stop and 10 % more once cancelled, closing the broker's admin client and the database pool 10 %
    each. What a step gave up is safe to give up: an outbox row not marked published is published again, an offset
    not committed is delivered again (the inbox absorbs both), an open connection goes with the process.

    A step that does not even end when cancelled (or the event loop's own teardown, which waits for every task it
    cancels) cannot hold the process: :meth:`begin`, called by the command's signal handler, starts a watchdog thread
    that ends the process (``os._exit``, after a log line) one second after ``seconds``."""

    REQUESTS, WORKERS, CANCELLED, CLIENT = 0.3, 0.4, 0.1, 0.1
    MARGIN = 1.0
    EXIT_CODE = 1

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._begun = threading.Event()

    def begin(self) -> None:
        """Shutdown starts now (idempotent): arm the watchdog."""
        if not self._begun.is_set():
            self._begun.set()
            threading.Thread(target=self._watchdog, name="shutdown-watchdog", daemon=True).start()

    def _watchdog(self) -> None:
        time.sleep(self.seconds + self.MARGIN)
        log.error("shutdown did not end in time: exiting now", extra={"seconds": self.seconds + self.MARGIN})
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):
                handler.flush()
        os._exit(self.EXIT_CODE)

    async def step(self, what: str, aw: Awaitable[object], share: float) -> bool:
        """Await ``aw`` for at most ``share`` of the budget (:func:`jeugdhulp_common.bounded.at_most`)."""
        return await at_most(self.seconds * share, what, aw)

    async def stop_workers(self, stop: asyncio.Event, running: list[asyncio.Task[None]]) -> None:
        """Set ``stop`` and wait for the workers; those still running after their share are cancelled (and, should
        they not end either, left behind), named in the log."""
        stop.set()
        if not running:
            return
        _, pending = await asyncio.wait(running, timeout=self.seconds * self.WORKERS)
        if not pending:
            return
        log.warning("shutdown: workers did not stop in time, cancelling them", extra={"workers": sorted(t.get_name() for t in pending)})
        for t in pending:
            t.cancel()
        _, pending = await asyncio.wait(pending, timeout=self.seconds * self.CANCELLED)
        if pending:
            log.warning("shutdown: cancelled workers still running, left behind", extra={"workers": sorted(t.get_name() for t in pending)})


@dataclass
class Runtime:
    """What routes, handlers and timers of a service get: its settings, its database, and auth."""

    settings: CommonSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    def __post_init__(self) -> None:
        # One LISTEN connection per process: wakes the relay, evicts revoked credentials from the cache.
        self.listener = Listener(self.settings.database_url)
        self.credentials = CredentialCache(self.settings.auth_cache_seconds)
        self.credentials.attach(self.listener)
        self.authenticate = authenticator(self.sessionmaker, self.credentials)
        self.shutdown = Shutdown(self.settings.shutdown_seconds)

    def require(self, *rollen: Toegangsrol) -> Callable[..., Awaitable[Principal]]:
        """FastAPI dependency: the authenticated caller, with one of ``rollen`` if given (401/403 otherwise)."""
        return require(self.authenticate, *rollen)


@dataclass
class ServiceDefinition:
    name: str
    root: Path  # services/<name>
    settings_cls: type[CommonSettings] = CommonSettings
    routers: Callable[[Runtime], Iterable[APIRouter]] = lambda rt: ()
    handlers: Callable[[Runtime], Mapping[type[Event], Handler]] = lambda rt: {}
    background: Callable[[Runtime], Iterable[BackgroundTask]] = lambda rt: ()
    description: str = ""
    extra_commands: dict[str, Callable[[Runtime, argparse.Namespace], Awaitable[int]]] = field(default_factory=dict)

    @property
    def migrations_dir(self) -> Path:
        return self.root / "migrations"

    def load_settings(self) -> CommonSettings:
        return load_settings(self.settings_cls, self.name)


def make_runtime(defn: ServiceDefinition, settings: CommonSettings) -> Runtime:
    set_max_event_bytes(settings.topic_max_message_bytes)
    # Up to 20 connections, all kept once opened: with 10 kept and 10 more as overflow, a load that keeps between 10 and
    # 20 transactions open connected and disconnected (TLS attempt, authentication, a new backend) every few requests.
    engine = make_engine(settings.database_url, pool_size=20, max_overflow=0, lock_timeout_ms=settings.db_lock_timeout_ms)
    return Runtime(settings=settings, engine=engine, sessionmaker=make_sessionmaker(engine))


def _observability(defn: ServiceDefinition, settings: CommonSettings) -> None:
    setup_logging(defn.name, settings.log_level)
    setup_tracing(
        defn.name, otlp_endpoint=settings.otel_exporter_otlp_endpoint, trace_file=settings.trace_file, sample_ratio=settings.trace_sample_ratio
    )
    if settings.otel_exporter_otlp_endpoint or settings.trace_file:
        instrument_asyncpg()  # a span per statement, only when spans go somewhere (it costs about a tenth of a POST)


def workers(
    defn: ServiceDefinition, rt: Runtime, *, relay: bool, consumer: bool, background: bool, api: bool = False
) -> list[BackgroundTask]:
    s = rt.settings
    out: list[BackgroundTask] = []
    if relay or api:
        out.append(rt.listener.run)  # NOTIFY: relay wake-up, credential revocation
    if relay:
        out.append(OutboxRelay(
                rt.engine,
                s.kafka,
                batch_size=s.relay_batch_size,
                idle_seconds=s.relay_idle_seconds,
                retention_hours=s.outbox_retention_hours,
                wake=rt.listener.wake_event(OUTBOX_CHANNEL),
                max_request_bytes=s.topic_max_message_bytes,
            ).run)
    handlers = defn.handlers(rt)
    if consumer and handlers:
        out.append(
            EventConsumer(
                group_id=defn.name,
                kafka=s.kafka,
                engine=rt.engine,
                handlers=handlers,
                max_attempts=s.consumer_max_attempts,
                backoff_initial=s.consumer_backoff_initial_seconds,
                backoff_max=s.consumer_backoff_max_seconds,
                max_poll_records=s.consumer_max_poll_records,
                commit_interval=s.consumer_commit_interval_seconds,
            ).run
        )
    if background:
        out.extend(defn.background(rt))
    return out


async def prepare_topics(defn: ServiceDefinition, settings: CommonSettings) -> None:
    """The service's own topics (its events and its dead-letter topic): its principal may create no others."""
    await ensure_topics(
        settings.kafka,
        topics.owned_topics(defn.name),
        partitions=settings.topic_partitions,
        replication_factor=settings.topic_replication_factor,
        configs=topics.topic_configs(
            topics.owned_topics(defn.name), dlt_retention_hours=settings.dlt_retention_hours, max_message_bytes=settings.topic_max_message_bytes
        ),
    )


def _settle_garbage_collector() -> None:
    """After start-up (``serve``, ``consume``, ``relay``), freeze what is alive (modules, models, schemas, tables: ~140,000
    objects; signalering's de-identification detector: ~200,000 more, a full collection of them took 0.4 s) so that no collection
    walks it again, and collect the youngest generation every 20,000 new container objects instead of every 700: under
    load the collector otherwise took about a tenth of the process's time (a full collection walking everything every
    few hundred requests, a young one every few requests). Objects made by requests are collected as before."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(20_000, gen1, gen2)


def _worker_name(task: BackgroundTask) -> str:
    return getattr(task, "__qualname__", None) or type(task).__name__


def _start_workers(tasks: list[BackgroundTask], stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """Run each worker until stop, as a task named after it; a worker that crashes is logged and restarted. Stopping
    them is :meth:`Shutdown.stop_workers`."""

    async def keep(task: BackgroundTask) -> None:
        while not stop.is_set():
            try:
                await task(stop)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker crashed; restarting", extra={"worker": _worker_name(task)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1)

    return [asyncio.create_task(keep(t), name=_worker_name(t)) for t in tasks]


def create_app(defn: ServiceDefinition, rt: Runtime, *, tasks: list[BackgroundTask] | None = None, broker: bool = True) -> FastAPI:
    """The service's API. ``broker=False`` leaves Kafka out entirely (no topics, no admin client, no workers): the
    in-process API tests of the middle tier run the routes against the real database only; staged events stay in
    the outbox."""
    tasks = tasks or []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not broker:
            try:
                yield
            finally:
                await rt.engine.dispose()
            return
        await prepare_topics(defn, rt.settings)
        admin = rt.settings.kafka.admin(request_timeout_ms=3000)
        await admin.start()
        app.state.kafka_admin = admin
        stop = asyncio.Event()
        lag = [LagMonitor(rt.settings.kafka, defn.name, consumed_topics, refresh_seconds=rt.settings.metrics_lag_refresh_seconds).run] if consumed_topics else []
        running = _start_workers([*tasks, *lag], stop)
        _settle_garbage_collector()
        try:
            yield
        finally:
            # Every step bounded (Shutdown): the process ends in JH_SHUTDOWN_SECONDS whatever the broker and database do.
            # (Its watchdog is armed by the process's signal handler, _Server, not here: an app run inside another
            # process, e.g. a test's, is not ended by it.)
            shutdown = rt.shutdown
            await shutdown.stop_workers(stop, running)
            await shutdown.step("kafka admin client close", admin.close(), shutdown.CLIENT)
            await shutdown.step("database pool close", rt.engine.dispose(), shutdown.CLIENT)

    # FastAPI's own telemetry is off: it would add a span per dependency, endpoint and serialisation step, HTTP metrics
    # and logs carrying exception messages (personal data). ServerSpans (below) makes the request's one span.
    app = FastAPI(
        title=f"jeugdhulp {defn.name}", description=defn.description, lifespan=lifespan, version="0.1.0",
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    install_problem_handlers(app)
    app.add_middleware(RefusalAudit, sessionmaker=rt.sessionmaker)
    app.add_middleware(HttpMetrics)
    app.add_middleware(BodySizeLimit, max_bytes=rt.settings.max_request_bytes)  # before anything reads the body
    app.add_middleware(ServerSpans)  # outermost: every other middleware (the refusal audit too) runs inside the request's span
    consumed_topics = sorted({cls.topic for cls in defn.handlers(rt)})

    @app.get("/health", tags=["ops"], include_in_schema=True)
    async def health() -> dict[str, str]:
        """Liveness: the process answers. No authentication."""
        return {"status": "ok", "service": defn.name}

    @app.get("/ready", tags=["ops"])
    async def ready() -> JSONResponse:
        """Readiness: the database and the broker answer. No authentication."""
        checks: dict[str, str] = {}
        try:
            async with rt.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout=3)
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["database"] = type(exc).__name__
        try:
            if broker:
                await asyncio.wait_for(app.state.kafka_admin.describe_cluster(), timeout=3)
            checks["broker"] = "ok" if broker else "not used"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = type(exc).__name__
        if all(v in ("ok", "not used") for v in checks.values()):
            return JSONResponse({"status": "ready", **checks})
        return problem(503, "Not ready", ", ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok"), checks=checks)

    @app.get("/metrics", tags=["ops"], response_class=Response, responses={200: {"content": {"text/plain": {}}}, **problem_responses(401, 403)})
    async def prometheus_metrics(request: Request) -> Response:
        """Prometheus text: outbox backlog, age and parked rows, publish rate, consumer lag per partition (refreshed in the
        background every ``JH_METRICS_LAG_REFRESH_SECONDS``), processed /
        duplicate / dead-lettered counts, handler and HTTP latency. Bearer ``JH_METRICS_TOKEN`` (a scraper) or a
        COORDINATOR API key."""
        if not bearer_matches(request.headers.get("authorization"), rt.settings.metrics_token):
            creds = await _metrics_bearer(request)
            await rt.require(Toegangsrol.COORDINATOR)(request, creds)
        body, content_type = await render_metrics(rt.engine)
        return Response(body, media_type=content_type)

    @app.get("/audit", tags=["ops"])
    async def audit_log(
        aggregate_type: str | None = Query(None, alias="aggregateType", max_length=100),
        aggregate_id: str | None = Query(None, alias="aggregateId", max_length=100),
        limit: int = Query(100, ge=1, le=1000),
        _: Principal = Depends(rt.require(Toegangsrol.COORDINATOR)),
    ) -> list[dict[str, object]]:
        """Who read or changed what, when (coördinator only). Newest first."""
        q = select(audit_log_table).order_by(audit_log_table.c.id.desc()).limit(limit)
        if aggregate_type:
            q = q.where(audit_log_table.c.aggregate_type == aggregate_type)
        if aggregate_id:
            q = q.where(audit_log_table.c.aggregate_id == aggregate_id)
        async with rt.sessionmaker() as session:
            rows = (await session.execute(q)).mappings().all()
        return [
            {"op": r["op"].isoformat(), "credentialId": str(r["credential_id"]), "organisatie": r["organisatie"], "rollen": r["rollen"],
             "actie": r["actie"], "aggregateType": r["aggregate_type"], "aggregateId": r["aggregate_id"], "traceId": r["trace_id"],
             "reden": r["reden"]}
            for r in rows
        ]

    for router in defn.routers(rt):
        app.include_router(router)
    return app


async def _run_workers_only(defn: ServiceDefinition, rt: Runtime, tasks: list[BackgroundTask]) -> None:
    await prepare_topics(defn, rt.settings)
    # As in `serve`: a relay or consumer process otherwise stops for a full collection of everything imported now and
    # then (tens of ms on a quiet machine, hundreds on a busy one): the tail of the event hop.
    _settle_garbage_collector()
    stop = asyncio.Event()
    stopping = asyncio.Event()  # SIGTERM/SIGINT; stop itself is set by stop_workers
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: (rt.shutdown.begin(), stopping.set()))
    running = _start_workers(tasks, stop)
    log.info("workers running", extra={"workers": sorted(t.get_name() for t in running)})
    try:
        signalled = asyncio.ensure_future(stopping.wait())
        await asyncio.wait([signalled, *running], return_when=asyncio.FIRST_COMPLETED)  # a worker ends only if it failed
        signalled.cancel()
    finally:
        rt.shutdown.begin()
        await rt.shutdown.stop_workers(stop, running)
        await rt.shutdown.step("database pool close", rt.engine.dispose(), rt.shutdown.CLIENT)


class _Server(uvicorn.Server):
    """uvicorn's server, whose signal handler also starts the bounded shutdown (its watchdog) at once."""

    def __init__(self, config: uvicorn.Config, shutdown: Shutdown) -> None:
        super().__init__(config)
        self._shutdown = shutdown

    def handle_exit(self, sig: int, frame: object) -> None:
        self._shutdown.begin()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]


def main(defn: ServiceDefinition, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {defn.name}", description=defn.description)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the Alembic migrations")
    serve = sub.add_parser("serve", help="run the API with relay, consumer and timers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-relay", action="store_true")
    serve.add_argument("--no-consumer", action="store_true")
    serve.add_argument("--no-background", action="store_true")
    sub.add_parser("relay", help="run only the outbox relay")
    sub.add_parser("consume", help="run only the consumer")
    for name in defn.extra_commands:
        sub.add_parser(name)
    args = parser.parse_args(argv)

    settings = defn.load_settings()
    if args.command == "migrate":
        setup_logging(defn.name, settings.log_level)
        upgrade(defn.migrations_dir, settings.database_url)
        return 0

    _observability(defn, settings)
    rt = make_runtime(defn, settings)
    if args.command == "serve":
        tasks = workers(defn, rt, relay=not args.no_relay, consumer=not args.no_consumer, background=not args.no_background, api=True)
        app = create_app(defn, rt, tasks=tasks)
        config = uvicorn.Config(
            app, host=args.host, port=args.port, log_config=None, access_log=False, lifespan="on",
            timeout_graceful_shutdown=settings.shutdown_seconds * Shutdown.REQUESTS,  # requests in flight, then cancelled
        )
        _Server(config, rt.shutdown).run()
        return 0
    if args.command == "relay":
        asyncio.run(_run_workers_only(defn, rt, workers(defn, rt, relay=True, consumer=False, background=False)))
        return 0
    if args.command == "consume":
        asyncio.run(_run_workers_only(defn, rt, workers(defn, rt, relay=False, consumer=True, background=False)))
        return 0
    return asyncio.run(defn.extra_commands[args.command](rt, args))
