"""Benchmarks: figures printed as a table, each against a baseline measured in the same run.

    make bench        (= scripts/devstack.py test -- .venv/bin/python scripts/bench.py)

* intake: ``POST /aanmeldingen`` throughput and p99 against a bare FastAPI + asyncpg INSERT endpoint
  (scripts/bench_baseline.py) served the same way (one uvicorn process) and loaded by the same client;
* event hop: outbox row committed → relay → Kafka → traject consumer → effect committed, p50/p99,
  against a raw aiokafka produce → consume round trip on the same broker;
* projection rebuild: a fresh signalering consumer building its projections (signals from
  samenwerkingsoverleggen, counts from blokkade / non-start / afronding events) from a large event log,
  against a raw aiokafka consumer reading and JSON-decoding the same records;
* memory: resident set size of each service process after the load, and of the whole stack
  (services + Kafka + Postgres).

No figure here is a pass/fail threshold: read them as ratios. The machine, the load generator and the
broker are shared by both sides of each ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

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


# --------------------------------------------------------------------------- intake


def aanmelding_body(organisatie: str) -> dict:
    return {
        "aanmelder": {"organisatie": organisatie, "categorie": "VOORZIENING"},
        "onderwerp": "JONGERE",
        "jongereRef": f"bench-{uuid.uuid4()}",
        "leeftijdBijAanmelding": 14,
        "regioJongere": "WESTHOEK",
        "redenen": ["REFLECTIE"],
    }


async def load(url: str, n: int, concurrency: int, make_request) -> dict:
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                queue.get_nowait()
                method, path, kw = make_request()
                t0 = time.perf_counter()
                r = await client.request(method, path, **kw)
                latencies.append(time.perf_counter() - t0)
                if r.status_code >= 300:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return {"rps": n / elapsed, "p50_ms": pct(latencies, 50) * 1000, "p99_ms": pct(latencies, 99) * 1000, "errors": errors}


async def bench_intake(n: int, concurrency: int, log_dir: Path) -> tuple[dict, dict, dict[str, int]]:
    svc = support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, port=support.free_port(), env=QUIET).start()
    base_port = support.free_port()
    baseline = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "bench_baseline.py"), "--port", str(base_port)], cwd=ROOT)
    rss: dict[str, int] = {}
    try:
        await svc.wait_healthy()
        key = await create_credential({"aanmelding": support.database_url("aanmelding")}, "Bench Voorziening", [Toegangsrol.PARTNER])

        def service_request():
            return "POST", "/aanmeldingen", {"json": aanmelding_body("Bench Voorziening"), "headers": {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}}

        def baseline_request():
            return "POST", "/items", {"json": aanmelding_body("Bench Voorziening")}

        await support.wait_for(lambda: _healthy(f"http://127.0.0.1:{base_port}"), timeout=30, what="baseline up")
        await load(svc.url, min(200, n), concurrency, service_request)  # warm-up
        await load(f"http://127.0.0.1:{base_port}", min(200, n), concurrency, baseline_request)
        base = await load(f"http://127.0.0.1:{base_port}", n, concurrency, baseline_request)
        serv = await load(svc.url, n, concurrency, service_request)
        rss["aanmelding (after intake load)"] = rss_kib(svc.proc.pid)
        rss["baseline endpoint"] = rss_kib(baseline.pid)
        return serv, base, rss
    finally:
        svc.stop()
        baseline.terminate()
        baseline.wait()


async def _healthy(url: str) -> bool:
    try:
        async with httpx.AsyncClient() as c:
            return (await c.get(url + "/health", timeout=2)).status_code == 200
    except httpx.HTTPError:
        return False


# --------------------------------------------------------------------------- event hop


async def bench_hop(n: int, gap: float, log_dir: Path) -> tuple[dict, dict, dict[str, int]]:
    """Latency of one event through the outbox relay and the traject consumer, from commit to effect."""
    relay = support.ServiceProcess("aanmelding", "relay", log_dir=log_dir, env={**QUIET, "JH_RELAY_IDLE_SECONDS": "0.01"}).start()
    consumer = support.ServiceProcess("traject", "consume", log_dir=log_dir, env=QUIET).start()
    engine = make_engine(support.database_url("aanmelding"))
    sm = make_sessionmaker(engine)
    rss: dict[str, int] = {}
    try:
        # Warm up every partition: a fresh consumer's first records on each partition wait for its group join and
        # offset reset (hundreds of ms); the figure is about the steady state.
        warm = [ontvangen() for _ in range(30)]
        async with sm.begin() as s:
            await outbox.add(s, warm)
        await support.wait_for(lambda: _has_effect([w.aanmelding_id for w in warm], all_=True), timeout=90, what="warm-up events through the hop")
        ids = []
        for _ in range(n):
            ev = ontvangen()
            async with sm.begin() as s:
                await outbox.add(s, [ev])
            ids.append(ev.aanmelding_id)
            await asyncio.sleep(gap)
        await support.wait_for(lambda: _has_effect(ids, all_=True), timeout=120, what="all hop events processed")
        rows = await support.db_fetch(
            "traject", "SELECT aanmelding_id, extract(epoch from geregistreerd_op) AS t FROM aanmelding_projectie WHERE aanmelding_id = ANY($1)", ids
        )
        done = {r["aanmelding_id"]: float(r["t"]) for r in rows}
        outbox_rows = await support.db_fetch(
            "aanmelding",
            "SELECT key, extract(epoch from created_at) AS c, extract(epoch from published_at) AS p FROM outbox WHERE key = ANY($1)",
            [str(i) for i in ids],
        )
        staged = {r["key"]: float(r["c"]) for r in outbox_rows}
        picked = {r["key"]: float(r["p"]) for r in outbox_rows}
        lat = [done[i] - staged[str(i)] for i in ids]
        relay_wait = [picked[str(i)] - staged[str(i)] for i in ids]
        after_relay = [done[i] - picked[str(i)] for i in ids]
        rss["traject consumer"] = rss_kib(consumer.proc.pid)
        rss["aanmelding relay"] = rss_kib(relay.proc.pid)
    finally:
        relay.stop()
        consumer.stop()
        await engine.dispose()
    hop = {
        "p50_ms": pct(lat, 50) * 1000,
        "p99_ms": pct(lat, 99) * 1000,
        "relay_pickup_p50_ms": pct(relay_wait, 50) * 1000,
        "publish_to_effect_p50_ms": pct(after_relay, 50) * 1000,
        "publish_to_effect_p99_ms": pct(after_relay, 99) * 1000,
    }
    raw = await raw_round_trip(n, gap)
    return hop, raw, rss


async def _has_effect(ids: list[uuid.UUID], all_: bool = False) -> bool:
    n = await support.db_fetchval("traject", "SELECT count(*) FROM aanmelding_projectie WHERE aanmelding_id = ANY($1)", ids)
    return n == len(ids) if all_ else n > 0


async def raw_round_trip(n: int, gap: float) -> dict:
    """Baseline: produce (acks=all, idempotent) → consume (group, manual commit) in one process, same broker."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    admin = support.kafka().admin()
    await admin.start()
    await admin.create_topics([NewTopic(topic, 3, 1)])
    await admin.close()
    producer = support.kafka().producer()
    consumer = support.kafka().consumer(topic, group_id=topic, enable_auto_commit=False, auto_offset_reset="earliest")
    await producer.start()
    await consumer.start()
    sent: dict[bytes, float] = {}
    lat: list[float] = []
    try:
        async def consume() -> None:
            while len(lat) < n:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for r in records:
                        lat.append(time.time() - sent[r.key])
                await consumer.commit()

        task = asyncio.create_task(consume())
        await asyncio.sleep(1)
        for i in range(n):
            key = str(i).encode()
            sent[key] = time.time()
            await producer.send_and_wait(topic, b"x" * 300, key=key)
            await asyncio.sleep(gap)
        await asyncio.wait_for(task, timeout=60)
    finally:
        await producer.stop()
        await consumer.stop()
    return {"p50_ms": pct(lat, 50) * 1000, "p99_ms": pct(lat, 99) * 1000}


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


async def bench_rebuild(m: int, log_dir: Path) -> tuple[dict, dict]:
    events = rebuild_log(m)
    by_topic: dict[str, list] = {}
    for topic, ev in events:
        by_topic.setdefault(topic, []).append(as_record(ev))
    for topic, records in by_topic.items():
        for i in range(0, len(records), 2000):
            await support.produce_raw(topic, records[i : i + 2000])
    before = await support.db_fetchval("signalering", "SELECT count(*) FROM inbox")
    consumer = support.ServiceProcess("signalering", "consume", log_dir=log_dir, env=QUIET).start()
    try:
        t0 = time.perf_counter()
        await support.wait_for(
            lambda: _inbox_at_least("signalering", before + m), timeout=1800, interval=0.5, what="signalering projections rebuilt"
        )
        elapsed = time.perf_counter() - t0
    finally:
        consumer.stop()
    rebuilt = {"events_per_s": m / elapsed, "seconds": elapsed}
    raw = await raw_consume_rate(list(by_topic), sum(len(r) for r in by_topic.values()))
    return rebuilt, raw


async def _inbox_at_least(service: str, n: int) -> bool:
    return await support.db_fetchval(service, "SELECT count(*) FROM inbox") >= n


async def raw_consume_rate(topic_names: list[str], expected: int) -> dict:
    """Baseline: a raw aiokafka consumer (fresh group) reading the same topics from the start and decoding each value."""
    consumer = support.kafka().consumer(*topic_names, group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    seen = 0
    try:
        t0 = time.perf_counter()
        while seen < expected:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for r in records:
                    json.loads(r.value)
                    seen += 1
            await consumer.commit()
        elapsed = time.perf_counter() - t0
    finally:
        await consumer.stop()
    return {"events_per_s": seen / elapsed, "seconds": elapsed}


# --------------------------------------------------------------------------- main


def stack_rss() -> dict[str, int]:
    state = Path(os.environ["JH_STATE_DIR"])
    out = {}
    kafka_pid = int((state / "kafka.pid").read_text().strip())
    out["Kafka broker (JVM)"] = rss_kib(kafka_pid)
    postmaster = int((state / "pg" / "data" / "postmaster.pid").read_text().split()[0])
    out["Postgres (all processes)"] = sum(rss_kib(p) for p in with_children(postmaster))
    return out


async def services_idle_rss(log_dir: Path) -> dict[str, int]:
    procs = [support.ServiceProcess(s, "serve", log_dir=log_dir, port=support.free_port(), env=QUIET).start() for s in support.SERVICES]
    try:
        for p in procs:
            await p.wait_healthy()
        await asyncio.sleep(2)
        return {f"{p.service} (serve, idle)": rss_kib(p.proc.pid) for p in procs}
    finally:
        for p in procs:
            p.stop()


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--hop-events", type=int, default=300)
    ap.add_argument("--hop-gap", type=float, default=0.02)
    ap.add_argument("--rebuild-events", type=int, default=10000)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    log_dir = Path(os.environ["JH_STATE_DIR"]) / "bench-logs"
    log_dir.mkdir(exist_ok=True)
    support.migrate_all()
    await ensure_topics(support.kafka(), [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in support.SERVICES)], partitions=3, replication_factor=1)

    serv, base, rss_a = await bench_intake(args.requests, args.concurrency, log_dir)
    hop, raw, rss_h = await bench_hop(args.hop_events, args.hop_gap, log_dir)
    rebuilt, raw_rate = await bench_rebuild(args.rebuild_events, log_dir)
    rss = {**await services_idle_rss(log_dir), **rss_a, **rss_h, **stack_rss()}

    rows = [
        ("intake throughput (req/s)", serv["rps"], base["rps"], "bare FastAPI+asyncpg INSERT"),
        ("intake p50 (ms)", serv["p50_ms"], base["p50_ms"], "bare FastAPI+asyncpg INSERT"),
        ("intake p99 (ms)", serv["p99_ms"], base["p99_ms"], "bare FastAPI+asyncpg INSERT"),
        ("event hop p50 (ms)", hop["p50_ms"], raw["p50_ms"], "raw aiokafka produce→consume"),
        ("event hop p99 (ms)", hop["p99_ms"], raw["p99_ms"], "raw aiokafka produce→consume"),
        ("projection rebuild (events/s)", rebuilt["events_per_s"], raw_rate["events_per_s"], "raw aiokafka consume + JSON decode"),
    ]
    print(
        f"\nbenchmarks ({args.requests} requests at concurrency {args.concurrency}; {args.hop_events} hop events "
        f"{args.hop_gap*1000:.0f} ms apart; rebuild from {args.rebuild_events} events)"
    )
    print(f"{'figure':<30} {'system':>10} {'baseline':>10} {'ratio':>7}  baseline")
    for name, a, b, what in rows:
        print(f"{name:<30} {a:>10.1f} {b:>10.1f} {a / b:>7.3g}  {what}")
    print(f"intake errors: service {serv['errors']}, baseline {base['errors']}")
    print(
        f"event hop breakdown: outbox commit → relay pickup p50 {hop['relay_pickup_p50_ms']:.1f} ms; "
        f"relay pickup → effect committed p50 {hop['publish_to_effect_p50_ms']:.1f} ms, p99 {hop['publish_to_effect_p99_ms']:.1f} ms"
    )
    print(f"\n{'resident memory':<40} {'MiB':>8}")
    for name, kib in rss.items():
        print(f"{name:<40} {kib / 1024:>8.1f}")
    whole = sum(v for k, v in rss.items() if "idle" in k or k.startswith(("Kafka", "Postgres")))
    print(f"{'whole stack (3 services idle + Kafka + Postgres)':<40} {whole / 1024:>8.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"intake": serv, "intake_baseline": base, "hop": hop, "hop_baseline": raw,
                                               "rebuild": rebuilt, "rebuild_baseline": raw_rate, "rss_kib": rss}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
