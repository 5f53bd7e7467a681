"""Benchmarks: figures printed as a table, each against a baseline measured in the same run.

    make bench        (= scripts/devstack.py test -- .venv/bin/python scripts/bench.py)
    make bench BENCH_ARGS="--duration 10 --warmup 3 --only intake,scale"     (a short check of one part)

* intake: ``POST /aanmeldingen`` (auth, validation, idempotency, screening, outbox, audit) against a bare FastAPI +
  asyncpg INSERT endpoint (scripts/bench_baseline.py), one uvicorn process each, loaded one after the other by
  ``wrk`` (scripts/bench_intake.lua: a fresh Idempotency-Key and jongereRef per request) with the same connections
  and duration after an unmeasured warm-up. The generator's own CPU share and its ceiling on a trivial endpoint
  are printed, to show it is not the bottleneck;
* horizontal scale: two intake processes on one database loaded together, then the database counted;
* event hop: outbox row committed → relay → Kafka → traject consumer → effect committed, p50/p99, against a raw
  aiokafka produce → consume round trip on the same broker (both with default settings), in alternating blocks,
  each side running alone;
* projection rebuild: a fresh signalering consumer building its projections from a large event log, against a raw
  aiokafka consumer reading and JSON-decoding the same records (both from the first record to the last);
* memory: resident set size of each service process, idle and after load (signalering also after its
  de-identification gate has worked on candidate signals), and of the whole stack.

No figure here is a pass/fail threshold: read them as ratios. The machine and the broker are shared by both
sides of each ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from aiokafka import TopicPartition
from aiokafka.admin import NewTopic

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import support  # noqa: E402
from events_factory import as_record, ontvangen  # noqa: E402

from jeugdhulp_common import outbox, topics  # noqa: E402
from jeugdhulp_common.auth import Toegangsrol, create_credential  # noqa: E402
from jeugdhulp_common.db import make_engine, make_sessionmaker  # noqa: E402
from jeugdhulp_common.kafka_admin import ensure_topics  # noqa: E402
from jeugdhulp_common.settings import CommonSettings  # noqa: E402

QUIET = {"JH_LOG_LEVEL": "WARNING"}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def with_children(pid: int) -> list[int]:
    pids = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(stat.parent.name))
    return pids


# --------------------------------------------------------------------------- intake (HTTP load from wrk)

LUA = ROOT / "scripts" / "bench_intake.lua"
ORGANISATIE = "Bench Voorziening"


def ensure_wrk() -> str:
    """wrk (Debian's package) generates the HTTP load: a C event loop, far cheaper per request than any Python client."""
    path = shutil.which("wrk")
    if path is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is needed for the intake benchmark: apt-get install wrk")
    return path


def cpu_seconds(pid: int) -> float:
    """CPU time of a process so far, all its threads, in nanoseconds' resolution (/proc/<pid>/task/*/schedstat; the
    user + system ticks of /proc/<pid>/stat count in 10 ms steps). A thread that ended meanwhile drops out."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended
    return total / 1e9


def runqueue_seconds(pid: int) -> float:
    """Time a process has spent runnable but waiting for a CPU (from /proc/<pid>/schedstat)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def run_wrk(url: str, *, connections: int, duration: float, path: str, run: str, key: str = "", method: str = "POST",
            servers: tuple[int, ...] = ()) -> dict:
    """One wrk run (one thread); its figures, the generator's own CPU share and the servers' CPU share."""
    args = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s", "-s", str(LUA), url,
            "--", path, run, key, ORGANISATIE, method]
    before = {pid: cpu_seconds(pid) for pid in servers}
    waited = {pid: runqueue_seconds(pid) for pid in servers}
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here (not by Popen) to read wrk's own CPU time
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t0
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures:\n{out}")
    w = json.loads(line.removeprefix("WRK_JSON "))
    seconds = w["duration_us"] / 1e6
    non_2xx = w["status"]
    errors = non_2xx + w["connect"] + w["read"] + w["write"] + w["timeout"]
    return {
        "rps": (w["requests"] - non_2xx) / seconds,
        "requests": w["requests"],
        "ok": w["requests"] - non_2xx,
        "p50_ms": w["p50_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000,
        "errors": errors,
        "generator_cpu": (usage.ru_utime + usage.ru_stime) / elapsed,
        "server_cpu": sum(cpu_seconds(pid) - before[pid] for pid in servers) / elapsed if servers else float("nan"),
        # Share of the run the server was runnable but got no CPU (other processes on the machine).
        "server_cpu_wait": sum(runqueue_seconds(pid) - waited[pid] for pid in servers) / elapsed if servers else float("nan"),
        # CPU time per answered request: less sensitive than req/s to other load on a shared machine.
        "server_cpu_ms_per_request": sum(cpu_seconds(pid) - before[pid] for pid in servers) * 1000 / max(1, w["requests"]) if servers else float("nan"),
    }


async def wrk(url: str, **kw) -> dict:
    return await asyncio.to_thread(run_wrk, url, **kw)


def start_baseline(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "scripts" / "bench_baseline.py"), "--port", str(port)], cwd=ROOT)


async def bench_intake(args: argparse.Namespace, log_dir: Path) -> dict:
    """Service and baseline, one process each, loaded one after the other by wrk with the same connections and duration."""
    svc = support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, port=support.free_port(), env=QUIET).start()
    base_port = support.free_port()
    baseline = start_baseline(base_port)
    base_url = f"http://127.0.0.1:{base_port}"
    c, d, warm = args.connections, args.duration, args.warmup
    try:
        await svc.wait_healthy()
        await support.wait_for(lambda: _healthy(base_url), timeout=30, what="baseline up")
        key = await create_credential({"aanmelding": support.database_url("aanmelding")}, ORGANISATIE, [Toegangsrol.PARTNER])
        run = uuid.uuid4().hex[:8]
        # The generator's ceiling: the same wrk against a trivially cheap endpoint.
        ceiling = await wrk(base_url, connections=c, duration=min(d, 5), path="/health", run=run, method="GET", servers=(baseline.pid,))
        # Warm-up (not measured): connection pools, prepared statements, caches.
        await wrk(base_url, connections=c, duration=warm, path="/items", run=run + "wb")
        await wrk(svc.url, connections=c, duration=warm, path="/aanmeldingen", run=run + "ws", key=key)
        base = await wrk(base_url, connections=c, duration=d, path="/items", run=run + "b", servers=(baseline.pid,))
        serv = await wrk(svc.url, connections=c, duration=d, path="/aanmeldingen", run=run + "s", key=key, servers=(svc.proc.pid,))
        rss = {"aanmelding (after intake load)": rss_kib(svc.proc.pid), "baseline endpoint (after load)": rss_kib(baseline.pid)}
        return {"service": serv, "baseline": base, "ceiling": ceiling, "rss": rss, "key": key}
    finally:
        svc.stop()
        baseline.terminate()
        baseline.wait()


async def bench_scale(args: argparse.Namespace, log_dir: Path, key: str) -> dict:
    """Two intake processes on one database, each loaded by its own wrk at the same time; then the database is checked:
    every aanmelding once, with its two outbox events, two audit rows and one idempotency record."""
    procs = [support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, port=support.free_port(), env=QUIET).start() for _ in range(2)]
    c, d = args.connections, args.duration
    run = uuid.uuid4().hex[:8]
    try:
        for p in procs:
            await p.wait_healthy()
        for i, p in enumerate(procs):
            await wrk(p.url, connections=c, duration=args.warmup, path="/aanmeldingen", run=f"{run}w{i}", key=key)
        results = await asyncio.gather(
            *(wrk(p.url, connections=c, duration=d, path="/aanmeldingen", run=f"{run}m{i}", key=key, servers=(p.proc.pid,))
              for i, p in enumerate(procs))
        )
    finally:
        for p in procs:
            p.stop()
    like = f"bench-{run}m%"
    counts = await support.db_fetch(
        "aanmelding",
        """
        WITH a AS (SELECT id, jongere_ref FROM aanmelding WHERE jongere_ref LIKE $1)
        SELECT (SELECT count(*) FROM a) AS aanmeldingen,
               (SELECT count(DISTINCT jongere_ref) FROM a) AS distinct_refs,
               (SELECT count(*) FROM outbox WHERE key IN (SELECT id::text FROM a)) AS outbox_events,
               (SELECT count(*) FROM audit_log WHERE aggregate_id IN (SELECT id::text FROM a)) AS audit_rows,
               (SELECT count(*) FROM idempotency_record WHERE sleutel LIKE $1) AS idempotency_records
        """,
        like,
    )
    return {"instances": results, "db": dict(counts[0]), "acknowledged": sum(r["ok"] for r in results)}


async def _healthy(url: str) -> bool:
    try:
        async with httpx.AsyncClient() as c:
            return (await c.get(url + "/health", timeout=2)).status_code == 200
    except httpx.HTTPError:
        return False


# --------------------------------------------------------------------------- event hop


async def bench_hop(n: int, gap: float, log_dir: Path, raw: RawRoundTrip) -> tuple[dict, dict, dict[str, int]]:
    """Latency of one event through the outbox relay and the traject consumer, from the outbox commit to the effect's
    commit, with where the time goes.

    Both ends are taken by this process's clock: the start when the outbox transaction's COMMIT returned, the end
    when Postgres delivered the NOTIFY of a (bench-only, dropped afterwards) trigger on the projection row, which is
    sent at the effect's commit: no polling interval in the figure. The legs in between come from the database
    (the relay's and the consumer's transaction start, ``now()``) and the Kafka record's CreateTime (the relay's
    producer, ms resolution). The baseline, ``raw``'s round trips, is measured in blocks between the hops'."""
    relay = support.ServiceProcess("aanmelding", "relay", log_dir=log_dir, env=QUIET).start()  # default settings
    consumer = support.ServiceProcess("traject", "consume", log_dir=log_dir, env=QUIET).start()
    engine = make_engine(support.database_url("aanmelding"))
    sm = make_sessionmaker(engine)
    rss: dict[str, int] = {}
    listen = await asyncpg.connect(support.asyncpg_dsn("traject"))
    committed: dict[str, float] = {}  # aanmelding id -> effect commit (NOTIFY received)
    await listen.execute(HOP_TRIGGER)
    await listen.add_listener("bench_hop", lambda _c, _pid, _ch, payload: committed.setdefault(payload, time.time()))
    # The records' CreateTime, per key: read after the hops from the offsets where they began, so that this process
    # does not fetch and decode each record while the hops it measures run (the raw round trip has no such observer).
    side = support.kafka().consumer(group_id=None, enable_auto_commit=False)
    await side.start()
    produced: dict[str, float] = {}
    try:
        topic = ontvangen().topic
        tps = [TopicPartition(topic, p) for p in sorted(side.partitions_for_topic(topic) or await _partitions(side, topic))]
        side.assign(tps)
        # Warm up every partition: a fresh consumer's first records on each partition wait for its group join and
        # offset reset (hundreds of ms); the figure is about the steady state.
        warm = [ontvangen() for _ in range(30)]
        async with sm.begin() as s:
            await outbox.add(s, warm)
        await support.wait_for(lambda: _has_effect([w.aanmelding_id for w in warm], all_=True), timeout=90, what="warm-up events through the hop")
        await side.seek_to_end(*tps)
        begin = {tp: await side.position(tp) for tp in tps}
        side.pause(*tps)  # no fetches until the hops are done
        # Idle CPU first (polls, heartbeats, metrics), so the per-event figure can be read apart from it.
        idle0 = {"relay": cpu_seconds(relay.proc.pid), "consumer": cpu_seconds(consumer.proc.pid)}
        await asyncio.sleep(IDLE_SECONDS)
        idle = {"relay": cpu_seconds(relay.proc.pid) - idle0["relay"], "consumer": cpu_seconds(consumer.proc.pid) - idle0["consumer"]}
        # The hops and the raw round trips in alternating blocks, so that both sides meet the same state of the machine
        # (a broker still compiling, a checkpoint, a neighbour's burst) rather than one side the first minute and the
        # other the next. Each side runs alone: during a raw block the relay and the consumer are stopped (SIGSTOP, a few
        # seconds, see HOP_BLOCK_SECONDS), during a hop block the raw consumer is paused. Each
        # block ends when its last event has had its effect; the CPU is counted in the service's blocks only.
        ids = []
        raw_lat: list[float] = []
        started: dict[str, float] = {}
        cpu = {"relay": 0.0, "consumer": 0.0}
        per_block = max(1, int(HOP_BLOCK_SECONDS / max(gap, 0.001)))  # 100 events at the default 20 ms apart
        for first in range(0, n, per_block):
            block = []
            cpu0 = {"relay": cpu_seconds(relay.proc.pid), "consumer": cpu_seconds(consumer.proc.pid)}
            for _ in range(min(per_block, n - first)):
                ev = ontvangen()
                async with sm.begin() as s:
                    await outbox.add(s, [ev])
                started[str(ev.aanmelding_id)] = time.time()
                block.append(ev.aanmelding_id)
                await asyncio.sleep(gap)
            await support.wait_for(lambda block=block: _all_in(committed, block), timeout=120, interval=0.01, what="all hop events processed")
            cpu["relay"] += cpu_seconds(relay.proc.pid) - cpu0["relay"]
            cpu["consumer"] += cpu_seconds(consumer.proc.pid) - cpu0["consumer"]
            ids += block
            for proc in (relay.proc, consumer.proc):
                proc.send_signal(signal.SIGSTOP)
            try:
                raw_lat += await raw.run(len(block), gap)
            finally:
                for proc in (relay.proc, consumer.proc):
                    proc.send_signal(signal.SIGCONT)
            await asyncio.sleep(HOP_SETTLE_SECONDS)  # their timers due meanwhile run now, not in the next block's hops
        for tp, offset in begin.items():
            side.seek(tp, offset)
        side.resume(*tps)

        async def read_side() -> bool:
            for records in (await side.getmany(timeout_ms=100)).values():
                for r in records:
                    produced.setdefault(r.key.decode(), r.timestamp / 1000)
            return all(str(i) in produced for i in ids)

        await support.wait_for(read_side, timeout=30, what="all hop records read")
        outbox_rows = await support.db_fetch(
            "aanmelding", "SELECT key, extract(epoch from published_at) AS p FROM outbox WHERE key = ANY($1)", [str(i) for i in ids]
        )
        picked = {r["key"]: float(r["p"]) for r in outbox_rows}
        inbox_rows = await support.db_fetch(
            "traject",
            "SELECT p.aanmelding_id::text AS k, extract(epoch from i.consumed_at) AS c FROM aanmelding_projectie p "
            "JOIN inbox i ON i.event_id = p.bron_event_id WHERE p.aanmelding_id = ANY($1)",
            ids,
        )
        consumed = {r["k"]: float(r["c"]) for r in inbox_rows}
        keys = [str(i) for i in ids]
        lat = [committed[k] - started[k] for k in keys]
        legs = {
            "commit → relay transaction": [picked[k] - started[k] for k in keys],
            "relay transaction → record produced": [produced[k] - picked[k] for k in keys],
            "record produced → consumer transaction": [consumed[k] - produced[k] for k in keys],
            "consumer transaction → effect committed": [committed[k] - consumed[k] for k in keys],
        }
        rss["traject consumer"] = rss_kib(consumer.proc.pid)
        rss["aanmelding relay"] = rss_kib(relay.proc.pid)
    finally:
        relay.stop()
        consumer.stop()
        await side.stop()
        await listen.execute(HOP_TRIGGER_DROP)
        await listen.close()
        await engine.dispose()
    hop = {
        "p50_ms": pct(lat, 50) * 1000,
        "p99_ms": pct(lat, 99) * 1000,
        "legs_ms": {name: {"p50": pct(v, 50) * 1000, "p99": pct(v, 99) * 1000} for name, v in legs.items()},
        "cpu_ms_per_event": {k: v * 1000 / n for k, v in cpu.items()},
        "idle_cpu_ms_per_s": {k: v * 1000 / IDLE_SECONDS for k, v in idle.items()},
        "over_100ms": sum(1 for x in lat if x > 0.1),
    }
    return hop, {"p50_ms": pct(raw_lat, 50) * 1000, "p99_ms": pct(raw_lat, 99) * 1000}, rss


IDLE_SECONDS = 5.0
# The hops and the raw round trips alternate in blocks of about this many seconds of events: a raw block stops the
# relay and the consumer for little more than that, well under the consumer group's session timeout (10 s).
HOP_BLOCK_SECONDS = 2.0
HOP_SETTLE_SECONDS = 0.5  # after the relay and the consumer are continued, before the next block of hops

# Bench only: a NOTIFY at the commit of each projection row, so the end of a hop is seen when it happens.
HOP_TRIGGER = """
CREATE OR REPLACE FUNCTION bench_hop_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('bench_hop', NEW.aanmelding_id::text); RETURN NULL; END $$;
DROP TRIGGER IF EXISTS bench_hop ON aanmelding_projectie;
CREATE TRIGGER bench_hop AFTER INSERT ON aanmelding_projectie FOR EACH ROW EXECUTE FUNCTION bench_hop_notify();
"""
HOP_TRIGGER_DROP = "DROP TRIGGER IF EXISTS bench_hop ON aanmelding_projectie; DROP FUNCTION IF EXISTS bench_hop_notify();"


async def _partitions(consumer, topic: str) -> set[int]:  # noqa: ANN001 - an AIOKafkaConsumer
    await consumer._client.force_metadata_update()  # noqa: SLF001 - first use of the topic in this client
    return consumer.partitions_for_topic(topic) or set()


async def _all_in(seen: dict[str, float], ids: list[uuid.UUID]) -> bool:
    return all(str(i) in seen for i in ids)


async def _has_effect(ids: list[uuid.UUID], all_: bool = False) -> bool:
    n = await support.db_fetchval("traject", "SELECT count(*) FROM aanmelding_projectie WHERE aanmelding_id = ANY($1)", ids)
    return n == len(ids) if all_ else n > 0


HOP_BROKER_WARMUP = 500  # unmeasured produce → consume round trips before the hop


class RawRoundTrip:
    """Baseline: produce (acks=all, idempotent) → consume (group, offsets committed as often as the service's consumer
    commits them) in one process, same broker, with the relay's producer and the service consumer's fetch settings.
    Started once; :meth:`run` measures a block of round trips. Between blocks its consumer is paused (no fetches), so
    that the hops run alone."""

    async def start(self) -> RawRoundTrip:
        self.topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
        admin = support.kafka().admin()
        await admin.start()
        await admin.create_topics([NewTopic(self.topic, 3, 1)])
        await admin.close()
        self.producer = support.kafka().producer(linger_ms=0)  # as the outbox relay's
        self.consumer = support.kafka().consumer(self.topic, group_id=self.topic, enable_auto_commit=False,
                                                 auto_offset_reset="earliest", fetch_max_wait_ms=100)
        await self.producer.start()
        await self.consumer.start()
        self.sent: dict[bytes, float] = {}
        self.lat: list[float] = []
        self.sequence = 0
        self._consuming = asyncio.create_task(self._consume())
        await asyncio.sleep(1)
        return self

    async def _consume(self) -> None:
        committed = 0.0
        while True:
            batch = await self.consumer.getmany(timeout_ms=200)
            for records in batch.values():
                for r in records:
                    self.lat.append(time.time() - self.sent[r.key])
            if time.monotonic() - committed >= SERVICE_COMMIT_INTERVAL:  # as often as the service's consumer commits
                await self.consumer.commit()
                committed = time.monotonic()

    async def run(self, n: int, gap: float) -> list[float]:
        """``n`` round trips ``gap`` apart: their latencies (seconds). Between runs the consumer is paused (no fetches)."""
        self.consumer.resume(*self.consumer.assignment())
        start = len(self.lat)
        for _ in range(n):
            key = str(self.sequence).encode()
            self.sequence += 1
            self.sent[key] = time.time()
            await self.producer.send_and_wait(self.topic, b"x" * 300, key=key)
            await asyncio.sleep(gap)
        await support.wait_for(lambda: len(self.lat) >= start + n, timeout=60, interval=0.01, what="raw round trips")
        self.consumer.pause(*self.consumer.assignment())
        return self.lat[start : start + n]

    async def stop(self) -> None:
        self._consuming.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._consuming
        await self.producer.stop()
        await self.consumer.stop()


# --------------------------------------------------------------------------- projection rebuild


def rebuild_log(m: int) -> list[tuple[str, object]]:
    """M events of the kinds signalering projects, about one in ten a samenwerkingsoverleg with two candidate signals."""
    import datetime as dt

    from jeugdhulp_common.contracts.aanmelding import AanmeldingNietOpgestart
    from jeugdhulp_common.contracts.traject import KandidaatSignaal, SamenwerkingsoverlegGehouden, TrajectAfgerond, TrajectBlokkadeGewijzigd
    from jeugdhulp_common.contracts.vocabulary import (
        AfrondingsReden, BlokkadeStatus, Ondersteuningsvorm, OverlegSoort, RedenNietOpstart, SignaalSoort,
    )

    out: list[tuple[str, object]] = []
    for i in range(m):
        traject_id = uuid.uuid4()
        kind = i % 10
        if kind == 0:
            ev = SamenwerkingsoverlegGehouden(
                traject_id=traject_id, overleg_id=uuid.uuid4(), soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE, datum=dt.date(2024, 11, 1),
                kandidaat_signalen=[
                    KandidaatSignaal(vraag_id="E5a", soort=SignaalSoort.DREMPEL, tekst="Wachtlijsten blokkeren de overgang naar een passend aanbod."),
                    KandidaatSignaal(vraag_id="E5c", soort=SignaalSoort.KNELPUNT, tekst="Geen gedeelde zorg tussen verblijf en context."),
                ],
            )
        elif kind <= 5:
            ev = TrajectBlokkadeGewijzigd(traject_id=traject_id, van=BlokkadeStatus.DREIGEND_TE_BLOKKEREN, naar=BlokkadeStatus.GEBLOKKEERD, acute_crisis=False)
        elif kind <= 7:
            ev = AanmeldingNietOpgestart(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", reden=RedenNietOpstart.GEEN_CAPACITEIT,
                                         alternatief_advies=Ondersteuningsvorm.DOP)
        else:
            ev = TrajectAfgerond(traject_id=traject_id, afgerond_op=dt.date(2024, 12, 1), redenen=[AfrondingsReden.ADEMRUIMTE_GECREEERD])
        out.append((ev.topic, ev))
    return out


async def bench_rebuild(m: int, log_dir: Path, *, traced: bool = True) -> tuple[dict, dict]:
    events = rebuild_log(m)
    by_topic: dict[str, list] = {}
    for topic, ev in events:
        key, value, headers = as_record(ev)
        if traced:  # as the relay publishes them: with the (sampled) trace context of the request that made the event
            headers = [*headers, ("traceparent", f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01".encode())]
        by_topic.setdefault(topic, []).append((key, value, headers))
    for topic, records in by_topic.items():
        for i in range(0, len(records), 2000):
            await support.produce_raw(topic, records[i : i + 2000])
    before = await support.db_fetchval("signalering", "SELECT count(*) FROM inbox")
    consumer = support.ServiceProcess("signalering", "consume", log_dir=log_dir, env=QUIET).start()
    try:
        # Steady state, as for the raw side: from the first effect committed to the last (process start-up and the
        # group join are excluded from both; they are printed apart).
        t_start = time.perf_counter()
        await support.wait_for(lambda: _inbox_at_least("signalering", before + 1), timeout=120, interval=0.02, what="first projection")
        t0 = time.perf_counter()
        cpu0 = cpu_seconds(consumer.proc.pid)
        first = await support.db_fetchval("signalering", "SELECT count(*) FROM inbox") - before
        await support.wait_for(
            lambda: _inbox_at_least("signalering", before + m), timeout=1800, interval=0.05, what="signalering projections rebuilt"
        )
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(consumer.proc.pid) - cpu0
    finally:
        consumer.stop()
    rebuilt = {"events_per_s": (m - first) / elapsed, "seconds": elapsed, "startup_s": t0 - t_start, "cpu_ms_per_event": cpu * 1000 / (m - first)}
    # The raw side reads the log in about a second, so its rate moves with how the broker happens to batch the
    # fetches (by more than a factor two between reads on the same machine): the best of three reads is the
    # baseline, the figure least flattering to the service.
    raws = [await raw_consume_rate(list(by_topic), sum(len(r) for r in by_topic.values())) for _ in range(RAW_READS)]
    raw = max(raws, key=lambda r: r["events_per_s"])
    raw["reads_events_per_s"] = [round(r["events_per_s"]) for r in raws]
    return rebuilt, raw


RAW_READS = 3
# The service's consumer's default poll size (JH_CONSUMER_MAX_POLL_RECORDS) and offset commit interval
# (JH_CONSUMER_COMMIT_INTERVAL_SECONDS): the raw consumers poll as many records and commit as often.
SERVICE_MAX_POLL_RECORDS = CommonSettings.model_fields["consumer_max_poll_records"].default
SERVICE_COMMIT_INTERVAL = CommonSettings.model_fields["consumer_commit_interval_seconds"].default


async def _inbox_at_least(service: str, n: int) -> bool:
    return await support.db_fetchval(service, "SELECT count(*) FROM inbox") >= n


async def raw_consume_rate(topic_names: list[str], expected: int) -> dict:
    """Baseline: a raw aiokafka consumer (fresh group) reading the same topics from the start and decoding each value."""
    consumer = support.kafka().consumer(*topic_names, group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    seen = 0
    first = 0
    committed = 0.0
    t_start = t0 = time.perf_counter()
    try:
        while seen < expected:
            batch = await consumer.getmany(timeout_ms=1000, max_records=SERVICE_MAX_POLL_RECORDS)  # as many as the service's consumer polls
            for records in batch.values():
                for r in records:
                    json.loads(r.value)
                    seen += 1
            if time.monotonic() - committed >= SERVICE_COMMIT_INTERVAL or seen >= expected:  # as the service's consumer
                await consumer.commit()
                committed = time.monotonic()
            if not first and seen:
                first, t0 = seen, time.perf_counter()  # steady state from the first batch on, as for the service
        elapsed = time.perf_counter() - t0
    finally:
        await consumer.stop()
    return {"events_per_s": (seen - first) / elapsed, "seconds": elapsed, "startup_s": t0 - t_start}


# --------------------------------------------------------------------------- main


def stack_rss() -> dict[str, int]:
    state = Path(os.environ["JH_STATE_DIR"])
    out = {}
    kafka_pid = int((state / "kafka.pid").read_text().strip())
    out["Kafka broker (JVM)"] = rss_kib(kafka_pid)
    postmaster = int((state / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    out["Postgres (all processes)"] = sum(rss_kib(p) for p in with_children(postmaster))
    return out


# Candidate signal texts for signalering's de-identification gate: identifying ones of several kinds and clean ones.
_GATE_TEKSTEN = (
    "{naam} uit Sint-Niklaas wachtte acht maanden op een plaats in een leefgroep.",
    "Mama van {naam} belde naar 0470 12 34 56 maar kreeg geen antwoord van de dienst.",
    "De jongere (15 jaar) woont in de Kerkstraat 12 te Ieper en zag niemand van het CLB.",
    "Mail naar {voornaam}.peeters@telenet.be bleef onbeantwoord na de crisisopname op 3 maart 2024.",
    "Wachtlijsten blokkeren de overgang naar een passend aanbod.",
    "Geen gedeelde zorg tussen verblijf en context na een crisisopname.",
)
_GATE_NAMEN = ("Lisa Vermeulen", "Jonas De Smet", "Amira El Amrani", "Wout Claes", "Fien Maes", "Yusuf Demir")


async def signalering_after_gate(proc: support.ServiceProcess, overleggen: int = 30) -> int:
    """Make the signalering process de-identify text as it does in use: samenwerkingsoverleggen with candidate
    signals (identifying and clean) consumed from the broker, the CONCEPT queue read page by page (every text
    masked by the detector), each signal read and its release tried (the gate: refused while personal data is
    found); then its resident set (KiB)."""
    import datetime as dt

    from jeugdhulp_common.contracts.traject import IdentificerendeKenmerken, KandidaatSignaal, SamenwerkingsoverlegGehouden
    from jeugdhulp_common.contracts.vocabulary import OverlegSoort, RegioELZ, SignaalSoort

    key = await create_credential({"signalering": support.database_url("signalering")}, "BENCH-TEAM", [Toegangsrol.PLANMAKER])
    records = []
    for i in range(overleggen):
        naam = _GATE_NAMEN[i % len(_GATE_NAMEN)]
        teksten = [_GATE_TEKSTEN[(2 * i + j) % len(_GATE_TEKSTEN)].format(naam=naam, voornaam=naam.split()[0].lower()) for j in range(2)]
        ev = SamenwerkingsoverlegGehouden(
            traject_id=uuid.uuid4(), overleg_id=uuid.uuid4(), soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE, datum=dt.date(2025, 3, 14),
            kandidaat_signalen=[KandidaatSignaal(vraag_id=f"5{'ab'[j]}", soort=SignaalSoort.KNELPUNT, tekst=t) for j, t in enumerate(teksten)],
            thema_voorstellen=["Contextbegeleiding"],
            identificerend=IdentificerendeKenmerken(geboortedata=[dt.date(2011, 5, 17)], leeftijd=13, regio=RegioELZ.WESTHOEK),
        )
        records.append(as_record(ev))
    await support.produce_raw(ev.topic, records)
    async with httpx.AsyncClient(base_url=proc.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        async def queue() -> list[dict] | None:
            items: list[dict] = []
            while True:
                page = (await c.get("/signalen", params={"status": "CONCEPT", "limit": 50, "offset": len(items)})).raise_for_status().json()
                items += page["items"]
                if not page["items"] or len(items) >= page["total"]:
                    return items if len(items) >= 2 * overleggen else None

        concepten = await support.wait_for(queue, timeout=120, interval=0.5, what="signalering's concept signals")
        refused = 0
        for s in concepten:
            (await c.get(f"/signalen/{s['signaalId']}")).raise_for_status()
            refused += (await c.post(f"/signalen/{s['signaalId']}/vrijgeven")).status_code == 409
        if not refused:
            raise RuntimeError("the de-identification gate refused none of the identifying bench texts")
    await asyncio.sleep(2)
    return rss_kib(proc.proc.pid)


async def services_idle_rss(log_dir: Path) -> dict[str, int]:
    procs = [support.ServiceProcess(s, "serve", log_dir=log_dir, port=support.free_port(), env=QUIET).start() for s in support.SERVICES]
    try:
        for p in procs:
            await p.wait_healthy()
        await asyncio.sleep(2)
        out = {f"{p.service} (serve, idle)": rss_kib(p.proc.pid) for p in procs}
        sig = next(p for p in procs if p.service == "signalering")
        out["signalering (after de-identifying)"] = await signalering_after_gate(sig)
        return out
    finally:
        for p in procs:
            p.stop()


PARTS = ("intake", "scale", "hop", "rebuild", "memory")


async def main() -> int:
    ap = argparse.ArgumentParser(description="benchmarks; see the README's Benchmarks section")
    ap.add_argument("--duration", type=float, default=30, help="seconds of measured HTTP load per side (wrk)")
    ap.add_argument("--warmup", type=float, default=5, help="seconds of unmeasured load before each measured run")
    ap.add_argument("--connections", type=int, default=32, help="wrk connections, the same for service and baseline")
    ap.add_argument("--hop-events", type=int, default=2000)
    ap.add_argument("--hop-gap", type=float, default=0.02)
    ap.add_argument("--rebuild-events", type=int, default=40000)
    ap.add_argument("--rebuild-untraced", action="store_true", help="rebuild log without trace context (as imported history, not as the relay writes it)")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    if unknown := parts - set(PARTS):
        ap.error(f"unknown part(s) {', '.join(sorted(unknown))}")
    log_dir = Path(os.environ["JH_STATE_DIR"]) / "bench-logs"
    log_dir.mkdir(exist_ok=True)
    await asyncio.to_thread(support.migrate_all)  # Alembic runs its own event loop
    await ensure_topics(support.kafka(), [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in support.SERVICES)], partitions=3, replication_factor=1)

    figures: dict[str, object] = {}
    rss: dict[str, int] = {}
    rows = []
    if parts & {"intake", "scale"}:
        intake = await bench_intake(args, log_dir)
        serv, base = intake["service"], intake["baseline"]
        rss.update(intake["rss"])
        figures |= {"intake": serv, "intake_baseline": base, "generator_ceiling": intake["ceiling"]}
        what = "bare FastAPI + asyncpg INSERT"
        rows += [
            ("intake throughput (req/s)", serv["rps"], base["rps"], what),
            ("intake p50 (ms)", serv["p50_ms"], base["p50_ms"], what),
            ("intake p99 (ms)", serv["p99_ms"], base["p99_ms"], what),
            ("intake CPU per request (ms)", serv["server_cpu_ms_per_request"], base["server_cpu_ms_per_request"], what),
        ]
        if "scale" in parts:
            figures["scale"] = await bench_scale(args, log_dir, intake.pop("key"))
    if "hop" in parts:
        # Warm the broker first, unmeasured: on a fresh stack its JVM has not yet compiled the produce and fetch paths.
        raw_trips = await RawRoundTrip().start()
        try:
            await raw_trips.run(HOP_BROKER_WARMUP, args.hop_gap)
            hop, raw, rss_h = await bench_hop(args.hop_events, args.hop_gap, log_dir, raw_trips)
        finally:
            await raw_trips.stop()
        rss.update(rss_h)
        figures |= {"hop": hop, "hop_baseline": raw}
        rows += [
            ("event hop p50 (ms)", hop["p50_ms"], raw["p50_ms"], "raw aiokafka produce → consume"),
            ("event hop p99 (ms)", hop["p99_ms"], raw["p99_ms"], "raw aiokafka produce → consume"),
        ]
    if "rebuild" in parts:
        rebuilt, raw_rate = await bench_rebuild(args.rebuild_events, log_dir, traced=not args.rebuild_untraced)
        figures |= {"rebuild": rebuilt, "rebuild_baseline": raw_rate}
        rows.append(("projection rebuild (events/s)", rebuilt["events_per_s"], raw_rate["events_per_s"], "raw aiokafka consume + JSON decode"))
    if "memory" in parts:
        rss = {**await services_idle_rss(log_dir), **rss, **stack_rss()}
    figures["rss_kib"] = rss

    print(
        f"\nbenchmarks (HTTP: wrk, 1 thread, {args.connections} connections, {args.duration:g} s measured after {args.warmup:g} s "
        f"warm-up, per side; hop: {args.hop_events} events {args.hop_gap * 1000:.0f} ms apart; rebuild: {args.rebuild_events} events)"
    )
    print(f"{'figure':<30} {'system':>10} {'baseline':>10} {'ratio':>7}  baseline")
    for name, a, b, what in rows:
        print(f"{name:<30} {a:>10.1f} {b:>10.1f} {a / b:>7.3g}  {what}")
    if "intake" in figures:
        serv, base, ceiling = figures["intake"], figures["intake_baseline"], figures["generator_ceiling"]
        print(f"intake errors (non-2xx, socket errors, timeouts): service {serv['errors']}, baseline {base['errors']}")
        print(
            f"load generator: wrk used {serv['generator_cpu']:.0%} of a core against the service, {base['generator_cpu']:.0%} against "
            f"the baseline; the same wrk gets {ceiling['rps']:.0f} req/s from a trivial GET /health ({ceiling['generator_cpu']:.0%} CPU); "
            f"server process CPU: service {serv['server_cpu']:.0%}, baseline {base['server_cpu']:.0%}; waiting for a CPU: "
            f"service {serv['server_cpu_wait']:.0%}, baseline {base['server_cpu_wait']:.0%} (more than a few % = a busy machine)"
        )
    if "scale" in figures:
        sc = figures["scale"]
        total = sum(r["rps"] for r in sc["instances"])
        single = figures["intake"]["rps"]
        each = " + ".join(f"{r['rps']:.1f}" for r in sc["instances"])
        print(
            f"two intake instances, one database, loaded together: {total:.1f} req/s "
            f"({each}; {total / single:.2f}x one instance), "
            f"p99 {max(r['p99_ms'] for r in sc['instances']):.1f} ms, errors {sum(r['errors'] for r in sc['instances'])}"
        )
        db = sc["db"]
        n = db["aanmeldingen"]
        ok = (db["distinct_refs"] == n and db["outbox_events"] == 2 * n and db["audit_rows"] == 2 * n
              and db["idempotency_records"] == n and n >= sc["acknowledged"])
        print(
            f"  in the database: {n} aanmeldingen for {sc['acknowledged']} acknowledged 201s (requests still in flight when wrk stops "
            f"may add a few), {db['distinct_refs']} distinct jongereRefs, {db['outbox_events']} outbox events, {db['audit_rows']} audit rows, "
            f"{db['idempotency_records']} idempotency records: {'nothing doubled or lost' if ok else 'MISMATCH'}"
        )
    if "hop" in figures:
        print("event hop, where the time goes (p50 / p99 ms; the legs' percentiles do not add up to the hop's):")
        for name, v in figures["hop"]["legs_ms"].items():
            print(f"  {name:<42} {v['p50']:>7.1f} {v['p99']:>7.1f}")
        c = figures["hop"]["cpu_ms_per_event"]
        i = figures["hop"]["idle_cpu_ms_per_s"]
        print(f"  CPU per event (incl. idle polling): relay {c['relay']:.2f} ms, traject consumer {c['consumer']:.2f} ms; "
              f"idle: relay {i['relay']:.1f} ms/s, consumer {i['consumer']:.1f} ms/s; "
              f"hops over 100 ms: {figures['hop']['over_100ms']} of {args.hop_events}")
    if "rebuild" in figures:
        print(
            f"rebuild: steady state from the first effect to the last; start-up (process, group join) apart: service "
            f"{figures['rebuild']['startup_s']:.1f} s, raw {figures['rebuild_baseline']['startup_s']:.1f} s; consumer CPU "
            f"{figures['rebuild']['cpu_ms_per_event'] * 1000:.0f} µs per event; records "
            f"{'without trace context' if args.rebuild_untraced else 'with a sampled trace context, as the relay publishes them'}; "
            f"raw reads of the log (the best is the baseline): {', '.join(str(r) for r in figures['rebuild_baseline']['reads_events_per_s'])} events/s"
        )
    if rss:
        print(f"\n{'resident memory':<40} {'MiB':>8}")
        for name, kib in rss.items():
            flag = "  (limit 150 MiB: OVER)" if ("idle" in name or "de-identifying" in name) and kib > 150 * 1024 else ""
            print(f"{name:<40} {kib / 1024:>8.1f}{flag}")
        if "memory" in parts:
            whole = sum(v for k, v in rss.items() if "idle" in k or k.startswith(("Kafka", "Postgres")))
            print(f"{'whole stack (4 services idle + Kafka + Postgres)':<40} {whole / 1024:>8.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
