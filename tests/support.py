"""Helpers for tests that run against the real broker and database started by ``scripts/devstack.py test``.

Nothing here fakes infrastructure: services run as their own processes (``python -m <service> …``),
Kafka is read with a real client, Postgres with asyncpg.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import asyncpg
import httpx

from jeugdhulp_common.kafka import KafkaConnection, partitions
from jeugdhulp_common.metrics import read_lag

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("aanmelding", "traject", "signalering", "webhooks")


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the suite with `make test` (scripts/devstack.py test -- pytest …)")
    return value


def bootstrap() -> str:
    return require_env("KAFKA_BOOTSTRAP_SERVERS")


def kafka(name: str = "test") -> KafkaConnection:
    """The broker as principal ``name`` (default: the test suite's own admin principal, ``TEST_KAFKA_SASL_*``)."""
    bootstrap()
    return KafkaConnection.from_env(name)


def database_url(service: str) -> str:
    return require_env(f"{service.upper()}_DATABASE_URL")


def asyncpg_dsn(service: str) -> str:
    return database_url(service).replace("postgresql+asyncpg://", "postgresql://")


class FreshDatabase(NamedTuple):
    url: str  # for SQLAlchemy, Alembic and the services' *_DATABASE_URL
    dsn: str  # for asyncpg


async def fresh_database(service: str, prefix: str) -> FreshDatabase:
    """A new, empty database ``<prefix>_<random>`` on the Postgres of ``service`` (left for the throwaway server)."""
    naam = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(service))
    try:
        await admin.execute(f'CREATE DATABASE "{naam}"')
    finally:
        await admin.close()
    url = database_url(service).rsplit("/", 1)[0] + "/" + naam
    return FreshDatabase(url, url.replace("postgresql+asyncpg://", "postgresql://"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2, what: str = "condition") -> object:
    """Poll an (async or sync) predicate until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = predicate()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last value: {last!r})")


class _Reaper:
    """Every process a test starts ends with the run, also when the run is interrupted.

    Each :class:`ServiceProcess` runs in its own process group and is registered here. On normal exit
    (``atexit``), on SIGTERM/SIGHUP and on SIGINT in the test process, every registered group still alive is sent
    SIGTERM and, after ``grace`` seconds, SIGKILL; then the signal takes its usual course (SIGTERM/SIGHUP end the
    process as before, SIGINT raises KeyboardInterrupt). Should the test process itself be SIGKILLed, the
    children get SIGKILL from the kernel (``PR_SET_PDEATHSIG``). ``scripts/devstack.py test`` kills the test
    command's own process group on teardown.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)

    def __init__(self, grace: float = 5.0) -> None:
        self.grace = grace
        self.live: dict[int, subprocess.Popen[bytes]] = {}
        self._installed = False

    def install(self) -> None:
        """Register the exit hook and the signal handlers, once, from the main thread."""
        if self._installed or threading.current_thread() is not threading.main_thread():
            return
        atexit.register(self.reap)
        for sig in self.SIGNALS:
            previous = signal.getsignal(sig)
            if previous != signal.SIG_IGN:  # a run started with a signal ignored keeps ignoring it
                signal.signal(sig, self._on_signal(previous))
        self._installed = True

    def _on_signal(self, previous):  # noqa: ANN001, ANN202 - a signal handler factory
        def handler(signum: int, frame) -> None:  # noqa: ANN001
            self.reap()
            if callable(previous):
                previous(signum, frame)
            else:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        return handler

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        self.live[proc.pid] = proc

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        self.live.pop(proc.pid, None)

    def reap(self) -> None:
        procs, self.live = list(self.live.values()), {}
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # the process if still there, and anything left in its group
            try:
                proc.wait(timeout=5)  # with a timeout: never blocks on a wait lock the interrupted frame may hold
            except subprocess.TimeoutExpired:
                pass


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the child leads its own group (process_group=0)
    except (ProcessLookupError, PermissionError):
        pass


REAPER = _Reaper()

_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the thread that started it dies (Linux only)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class ServiceProcess:
    """One service process (``python -m <service> <command>``), its output in a log file.

    It runs in its own process group, registered with :data:`REAPER`, so it ends with the test run.
    """

    def __init__(self, service: str, *args: str, log_dir: Path, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.service = service
        self.args = list(args)
        self.port = port
        if port is not None and "--port" not in self.args:
            self.args += ["--port", str(port)]
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_dir / f"{service}-{'-'.join(args)}-{uuid.uuid4().hex[:6]}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        REAPER.install()
        # The kernel's parent-death signal follows the starting *thread*: only ask for it from the main thread.
        on_main = threading.current_thread() is threading.main_thread()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", self.service, *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                process_group=0,
                preexec_fn=_die_with_parent if on_main else None,  # noqa: PLW1509 - prctl only, no locks taken
            )
        REAPER.add(self.proc)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_healthy(self, timeout: float = 60) -> None:
        async def ok() -> bool:
            self.assert_running()
            try:
                async with httpx.AsyncClient() as c:
                    return (await c.get(self.url + "/ready", timeout=2)).status_code == 200
            except httpx.HTTPError:
                return False

        await wait_for(ok, timeout=timeout, what=f"{self.service} ready")

    def assert_running(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.service} {self.args} exited with {self.proc.returncode}:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except FileNotFoundError:
            return ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        if self.proc:
            REAPER.discard(self.proc)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            REAPER.discard(self.proc)


def migrate_all() -> None:
    """Every service's migrations (Alembic upgrade head), in this process: the services' modules are imported by the
    tests anyway, so four ``python -m <service> migrate`` processes would import them four more times."""
    from jeugdhulp_common.migrations import migrate_service

    for service in SERVICES:
        migrate_service(service, database_url(service))


async def db_fetchval(service: str, sql: str, *args: object) -> object:
    conn = await asyncpg.connect(asyncpg_dsn(service))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


async def db_fetch(service: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(service))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def read_topic(topic: str, *, timeout: float = 20) -> list:
    """Every record currently on a topic, from the beginning to the end offsets at call time."""
    consumer = kafka().consumer(enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        tps = await partitions(consumer, [topic])
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        out = []
        deadline = time.monotonic() + timeout
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end within {timeout}s")
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                out.extend(records)
        return out
    finally:
        await consumer.stop()


async def consumer_group_members(group: str) -> int | None:
    """Members of a consumer group once it is Stable (None while it rebalances or the broker does not answer)."""
    admin = kafka().admin(request_timeout_ms=3000)
    try:
        await admin.start()
        (resp,) = await admin.describe_consumer_groups([group])
        (g,) = resp.groups
        return len(g[5]) if g[2] == "Stable" else None  # (error, group, state, protocol_type, protocol, members)
    except Exception:  # noqa: BLE001 - broker restarting
        return None
    finally:
        await admin.close()


async def consumer_group_caught_up(group: str, *topic_names: str) -> bool:
    """Has ``group`` committed, on every partition of these topics, the offset at the end of the partition?

    Offsets are committed only after the effect's transaction, so then every record is processed and none is
    in flight (a redelivery included). False while the broker does not answer."""
    admin = kafka().admin(request_timeout_ms=5000)
    consumer = kafka().consumer(enable_auto_commit=False, group_id=None, request_timeout_ms=5000)
    try:
        await admin.start()
        await consumer.start()
        return not any((await read_lag(admin, consumer, group, list(topic_names))).values())
    except Exception:  # noqa: BLE001 - the broker may be restarting
        return False
    finally:
        await consumer.stop()
        await admin.close()


def header(record, name: str) -> str | None:
    for k, v in record.headers or ():
        if k == name:
            return v.decode() if v is not None else None
    return None


async def produce_raw(topic: str, records: Iterable[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]]) -> None:
    producer = kafka().producer()
    await producer.start()
    try:
        futures = [await producer.send(topic, key=k, value=v, headers=h) for k, v, h in records]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def read_spans(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
