"""Nothing lost, nothing doubled: N aanmeldingen pushed through the real APIs to traject creation while the
infrastructure fails on a schedule.

Processes: aanmelding (serve), traject A (serve) and, from early in the run, traject B (consume) in the same consumer
group, signalering (serve). A driver with bounded concurrency posts each aanmelding (Idempotency-Key) and takes it
through the team steps to opstart, retrying 5xx and connection errors (a step is retried only after a GET shows its
target state was not reached). One in eleven is instead declined (niet-opstarten), so signalering has real,
non-idempotent work too (it counts the AanmeldingNietOpgestart reasons).

Faults, triggered by the driver's progress and each checked to be mid-stream (some but not all trajecten exist, the
driver is still running) and followed by progress: traject B joins (rebalance); the broker restarts; traject A is
SIGKILLed, B alone must carry on (a second rebalance), A restarts (a third); Postgres restarts; signalering is
SIGKILLed and restarted; the broker restarts again.

Then: exactly N trajecten for those aanmeldingen, none doubled; every AanmeldingOpgestart id in traject's inbox once;
signalering counted each declined aanmelding exactly once; nothing for these keys on any dead-letter topic.

N comes from JH_CHAOS_N (1000 in ``make test``; ``make chaos`` runs 10,000).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import support

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol, create_credential

N = int(os.environ.get("JH_CHAOS_N", "1000"))
M = N // 10  # declined aanmeldingen (signalering's work)
CONCURRENCY = int(os.environ.get("JH_CHAOS_CONCURRENCY", "24"))
PARTNER_ORG = "Voorziening Chaos (faults)"
TEAM_ORG = "Co-ncept planmakers (faults)"
ENV = {"JH_RELAY_IDLE_SECONDS": "0.1", "JH_LOG_LEVEL": "WARNING"}
RANK = {"GESCREEND": 0, "IN_BESPREKING": 1, "WACHT_OP_INSTEMMING": 2, "OPGESTART": 3, "NIET_OPGESTART": 3}
STEPS_OPSTART = [("in-bespreking", None, "IN_BESPREKING"), ("opstart-beslissing", None, "WACHT_OP_INSTEMMING"),
                 ("instemmingen", {"door": "JONGERE", "op": "2025-01-15T10:00:00+01:00", "scope": ["TRAJECT_OPSTART"]}, None),
                 ("opstart", None, "OPGESTART")]
STEPS_NIET = [("in-bespreking", None, "IN_BESPREKING"),
              ("niet-opstarten", {"reden": "GEEN_CAPACITEIT", "alternatiefAdvies": {"vorm": "DOP"}}, "NIET_OPGESTART")]


@dataclass
class Stats:
    t0: float = field(default_factory=time.monotonic)
    done: int = 0
    limit: int = 0  # flows with a lower index may start (the fault schedule opens the stream in windows)
    retries: Counter = field(default_factory=Counter)
    timeline: list[str] = field(default_factory=list)
    aanmeldingen: dict[str, str] = field(default_factory=dict)  # aanmelding id → "opstart" | "niet"

    def at(self) -> str:
        return f"{time.monotonic() - self.t0:7.1f}s"

    def log(self, msg: str) -> None:
        line = f"  {self.at()}  {msg}"
        self.timeline.append(line)
        print(line, file=sys.stderr, flush=True)


class Driver:
    def __init__(self, url: str, partner: str, team: str, stats: Stats) -> None:
        self.c = httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(15, connect=5), limits=httpx.Limits(max_connections=CONCURRENCY * 2))
        self.partner = {"Authorization": f"Bearer {partner}"}
        self.team = {"Authorization": f"Bearer {team}"}
        self.stats = stats

    async def _send(self, what: str, method: str, path: str, **kw) -> httpx.Response | None:
        """One attempt; None for a retryable failure (5xx, connection error, timeout)."""
        try:
            r = await self.c.request(method, path, **kw)
        except httpx.TransportError as exc:
            self.stats.retries[f"{what}: {type(exc).__name__}"] += 1
            return None
        if r.status_code >= 500:
            self.stats.retries[f"{what}: {r.status_code}"] += 1
            return None
        return r

    async def _retrying(self, what: str, attempt) -> httpx.Response:
        backoff = 0.2
        deadline = time.monotonic() + 120
        while True:
            r = await attempt()
            if r is not None:
                return r
            assert time.monotonic() < deadline, f"{what}: still failing after 120 s"
            await asyncio.sleep(backoff * random.uniform(0.5, 1.5))
            backoff = min(backoff * 2, 2.0)

    async def flow(self, kind: str) -> None:
        merk = uuid.uuid4().hex
        body = {
            "aanmelder": {"organisatie": PARTNER_ORG, "categorie": "VOORZIENING"},
            "onderwerp": "JONGERE",
            "jongereRef": f"jref-chaos-{merk}",
            "leeftijdBijAanmelding": 14,
            "regioJongere": "WESTHOEK",
            "redenen": ["REFLECTIE"],
        }
        headers = {**self.partner, "Idempotency-Key": f"chaos-{merk}"}
        r = await self._retrying("POST /aanmeldingen", lambda: self._send("POST", "POST", "/aanmeldingen", json=body, headers=headers))
        assert r.status_code == 201, r.text
        aid = r.json()["aanmeldingId"]
        assert r.json()["status"] == "GESCREEND", r.text
        self.stats.aanmeldingen[aid] = kind
        for pad, json, doel in STEPS_OPSTART if kind == "opstart" else STEPS_NIET:
            await self.step(aid, pad, json, doel)
        self.stats.done += 1

    async def reached(self, aid: str, pad: str, doel: str | None) -> bool:
        r = await self._retrying("GET", lambda: self._send("GET", "GET", f"/aanmeldingen/{aid}", headers=self.team))
        assert r.status_code == 200, r.text
        a = r.json()
        if doel is None:  # the instemming: recorded, or already past the state that needs it
            return bool(a["instemmingen"]) or RANK[a["status"]] >= RANK["OPGESTART"]
        return RANK[a["status"]] >= RANK[doel]

    async def step(self, aid: str, pad: str, json, doel: str | None) -> None:
        first = True
        backoff = 0.2
        deadline = time.monotonic() + 120
        while True:
            if not first and await self.reached(aid, pad, doel):
                return  # the earlier attempt took effect although its answer was lost
            r = await self._send(pad, "POST", f"/aanmeldingen/{aid}/{pad}", json=json, headers=self.team)
            if r is not None:
                assert r.status_code in (200, 201), f"{pad} on {aid} (attempt {'1' if first else '>1'}): {r.status_code} {r.text}"
                return
            first = False
            assert time.monotonic() < deadline, f"{pad} on {aid}: still failing after 120 s"
            await asyncio.sleep(backoff * random.uniform(0.5, 1.5))
            backoff = min(backoff * 2, 2.0)


async def count_trajecten(ids: list[uuid.UUID]) -> int:
    return int(await support.db_fetchval("traject", "SELECT count(*) FROM traject WHERE aanmelding_id = ANY($1::uuid[])", ids))


async def safe(coro_fn, default=None):
    try:
        return await coro_fn()
    except Exception:  # noqa: BLE001 - Postgres may be restarting
        return default


async def devstack(command: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(support.ROOT / "scripts" / "devstack.py"), command, "--state-dir", support.require_env("JH_STATE_DIR"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()


async def test_n_aanmeldingen_through_broker_db_and_consumer_faults_give_exactly_n_trajecten(log_dir) -> None:
    stats = Stats()
    urls = {svc: support.database_url(svc) for svc in support.SERVICES}
    partner = await create_credential(urls, PARTNER_ORG, [Toegangsrol.PARTNER])
    team = await create_credential(urls, TEAM_ORG, [Toegangsrol.PLANMAKER])
    jaar = dt.datetime.now(dt.UTC).year
    telling_sql = "SELECT coalesce(sum(aantal), 0) FROM telling WHERE bron = 'NIET_OPGESTART_REDEN' AND code = 'GEEN_CAPACITEIT' AND jaar = $1"
    telling_voor = int(await support.db_fetchval("signalering", telling_sql, jaar))

    def proc(service: str, *args: str, port: int | None = None) -> support.ServiceProcess:
        return support.ServiceProcess(service, *args, log_dir=log_dir, env=ENV, port=port)

    aanmelding = proc("aanmelding", "serve", port=support.free_port()).start()
    traject_a = proc("traject", "serve", port=support.free_port()).start()
    signalering = proc("signalering", "serve", port=support.free_port()).start()
    traject_b: support.ServiceProcess | None = None
    alle = [aanmelding, traject_a, signalering]
    try:
        await asyncio.gather(*(p.wait_healthy(timeout=120) for p in alle))
        stats.log(f"services ready; driving N={N} opstart + M={M} niet-opstarten, concurrency {CONCURRENCY}")
        driver = Driver(aanmelding.url, partner, team, stats)
        kinds = ["opstart"] * N + ["niet"] * M
        random.Random(6).shuffle(kinds)
        total = len(kinds)
        sem = asyncio.Semaphore(CONCURRENCY)

        # The stream is opened in windows: fault k fires when THRESHOLDS[k] of the flows are done, while up to WINDOW
        # more are released, so events are flowing during each fault on any machine speed, and never all are done.
        THRESHOLDS, WINDOW = [0.06, 0.18, 0.32, 0.48, 0.60, 0.75], 0.08

        def open_until(fraction: float) -> None:
            stats.limit = max(stats.limit, min(total, int(fraction * total)))

        open_until(THRESHOLDS[0] + WINDOW)

        async def one(i: int, kind: str) -> None:
            while i >= stats.limit:
                await asyncio.sleep(0.05)
            async with sem:
                await driver.flow(kind)

        t_drive = time.monotonic()
        drive = asyncio.ensure_future(asyncio.gather(*(one(i, k) for i, k in enumerate(kinds))))

        def opstart_ids() -> list[uuid.UUID]:
            return [uuid.UUID(a) for a, k in list(stats.aanmeldingen.items()) if k == "opstart"]

        async def until_progress(fraction: float) -> None:
            while stats.done < fraction * total:
                assert not drive.done() or drive.exception() is None, drive.exception()
                await asyncio.sleep(0.2)

        async def mid_stream(what: str) -> int:
            """Trajecten so far; asserts the stream is running: some but not all exist and the driver is busy."""
            n = await count_trajecten(opstart_ids())
            assert not drive.done(), f"{what}: the driver had already finished — not mid-stream"
            assert 0 < n < N, f"{what}: {n} of {N} trajecten — not mid-stream"
            in_flight = min(stats.limit, total) - stats.done
            assert in_flight > 0, f"{what}: no flow in flight"
            stats.log(f"{what}: {n}/{N} trajecten, {stats.done}/{total} flows done, {in_flight} in flight")
            return n

        def keep_flowing() -> None:
            if stats.done >= stats.limit:  # the window is used up: release a few more flows so events keep coming
                open_until(stats.done / total + 0.02)

        async def progress_after(what: str, before: int, timeout: float = 90) -> None:
            async def more():
                keep_flowing()
                n = await safe(lambda: count_trajecten(opstart_ids()), 0)
                return n if n > before else None

            n = await support.wait_for(more, timeout=timeout, interval=0.3, what=f"progress after {what}")
            stats.log(f"  progress after {what}: {n} trajecten")

        async def niet_in_signalering() -> tuple[int, int]:
            keys = [a for a, k in list(stats.aanmeldingen.items()) if k == "niet"]
            ids = [r["event_id"] for r in await support.db_fetch(
                "aanmelding", "SELECT event_id FROM outbox WHERE key = ANY($1::text[]) AND event_type LIKE '%AanmeldingNietOpgestart'", keys)]
            seen = int(await support.db_fetchval("signalering", "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids))
            return seen, len(ids)

        async def chaos() -> None:
            nonlocal traject_a, traject_b, signalering
            # 1. a second traject instance joins the group while events flow: rebalance
            open_until(THRESHOLDS[0] + WINDOW)
            await until_progress(THRESHOLDS[0])
            await support.wait_for(lambda: safe(lambda: count_trajecten(opstart_ids()), 0), timeout=60, what="first trajecten")
            before = await mid_stream("rebalance: traject B (consume) joins the group")
            traject_b = proc("traject", "consume").start()
            alle.append(traject_b)
            await support.wait_for(lambda: _eq(support.consumer_group_members("traject"), 2), timeout=60, what="traject group with 2 members")
            stats.log("  group 'traject' stable with 2 members")
            await progress_after("rebalance", before)

            # 2. broker restart #1
            open_until(THRESHOLDS[1] + WINDOW)
            await until_progress(THRESHOLDS[1])
            before = await mid_stream("broker restart #1")
            t = time.monotonic()
            await devstack("restart-kafka")
            stats.log(f"  broker back after {time.monotonic() - t:.1f}s")
            await progress_after("broker restart #1", before)

            # 3. SIGKILL traject A: B alone takes every partition; then A restarts and rejoins
            open_until(THRESHOLDS[2] + WINDOW)
            await until_progress(THRESHOLDS[2])
            before = await mid_stream("SIGKILL traject A (serve)")
            traject_a.kill(signal.SIGKILL)
            await support.wait_for(lambda: _eq(support.consumer_group_members("traject"), 1), timeout=60, what="B alone in the group")
            n = await safe(lambda: count_trajecten(opstart_ids()), before)
            stats.log(f"  group 'traject' stable with 1 member (B), {n} trajecten")
            await progress_after("traject A killed (B alone)", n)
            traject_a = proc("traject", "serve", port=traject_a.port).start()
            alle.append(traject_a)
            await traject_a.wait_healthy(timeout=90)
            await support.wait_for(lambda: _eq(support.consumer_group_members("traject"), 2), timeout=60, what="A back in the group")
            stats.log("  traject A restarted; group stable with 2 members")

            # 4. Postgres restart
            open_until(THRESHOLDS[3] + WINDOW)
            await until_progress(THRESHOLDS[3])
            before = await mid_stream("Postgres restart")
            t = time.monotonic()
            await devstack("restart-postgres")
            stats.log(f"  Postgres back after {time.monotonic() - t:.1f}s")
            await progress_after("Postgres restart", before)

            # 5. SIGKILL signalering mid-stream (it has seen some, not all, of the declined aanmeldingen), restart
            open_until(THRESHOLDS[4] + WINDOW)
            await until_progress(THRESHOLDS[4])
            await mid_stream("SIGKILL signalering")
            seen, published = await niet_in_signalering()
            assert 0 < seen < M, f"signalering had processed {seen} of {M} declined aanmeldingen — not mid-stream"
            stats.log(f"  signalering had processed {seen} declined aanmeldingen ({published} published so far)")
            signalering.kill(signal.SIGKILL)
            await asyncio.sleep(1)
            signalering = proc("signalering", "serve", port=signalering.port).start()
            alle.append(signalering)
            await signalering.wait_healthy(timeout=90)

            async def signalering_progress() -> bool:
                keep_flowing()
                return await _gt(niet_in_signalering(), seen)

            await support.wait_for(signalering_progress, timeout=90, what="signalering progress after restart")
            stats.log(f"  signalering restarted and processing again ({(await niet_in_signalering())[0]} seen)")

            # 6. broker restart #2
            open_until(THRESHOLDS[5] + WINDOW)
            await until_progress(THRESHOLDS[5])
            before = await mid_stream("broker restart #2")
            t = time.monotonic()
            await devstack("restart-kafka")
            stats.log(f"  broker back after {time.monotonic() - t:.1f}s")
            await progress_after("broker restart #2", before)
            open_until(1.0)

        try:
            await asyncio.gather(drive, chaos())
        except BaseException:
            drive.cancel()
            raise
        t_drained = time.monotonic()
        stats.log(f"driver finished: {total} flows in {t_drained - t_drive:.1f}s; retries: {dict(stats.retries) or 'none'}")

        ids = opstart_ids()
        assert len(ids) == N and len(stats.aanmeldingen) == total
        await support.wait_for(lambda: _eq(count_trajecten(ids), N), timeout=180, interval=0.5, what=f"{N} trajecten")
        await support.wait_for(lambda: _eq(_first(niet_in_signalering()), M), timeout=180, interval=0.5, what=f"{M} declined in signalering")
        stats.log(f"all consumed {time.monotonic() - t_drained:.1f}s after the driver finished")
        for p in (aanmelding, traject_a, traject_b, signalering):
            p.assert_running()  # none of them crashed on the way
        # Anything still in flight (a redelivery) lands before counting: every consumer group at the end of its topics.
        for group, gelezen in (
            ("traject", (topics.AANMELDING_MICRO,)),
            ("signalering", (topics.AANMELDING_MICRO, topics.TRAJECT_MICRO, topics.TRAJECT_MICRO_INTERN)),
        ):
            await support.wait_for(lambda: support.consumer_group_caught_up(group, *gelezen), timeout=120, interval=0.5, what=f"{group} at the end of {gelezen}")
    finally:
        for p in alle:
            p.stop()

    # ---- verification
    t_verify = time.monotonic()
    keys = list(stats.aanmeldingen)
    trajecten = await support.db_fetch("traject", "SELECT aanmelding_id, count(*) AS n FROM traject WHERE aanmelding_id = ANY($1::uuid[]) GROUP BY aanmelding_id", ids)
    doubled = [r["aanmelding_id"] for r in trajecten if r["n"] != 1]
    opgestart = await support.db_fetch(
        "aanmelding", "SELECT event_id, key FROM outbox WHERE key = ANY($1::text[]) AND event_type LIKE '%AanmeldingOpgestart'", keys)
    unpublished = await support.db_fetchval("aanmelding", "SELECT count(*) FROM outbox WHERE key = ANY($1::text[]) AND published_at IS NULL", keys)
    opgestart_ids = [r["event_id"] for r in opgestart]
    in_inbox = await support.db_fetch("traject", "SELECT event_id FROM inbox WHERE event_id = ANY($1::uuid[])", opgestart_ids)
    on_topic = [r for r in await support.read_topic(topics.AANMELDING_MICRO, timeout=120) if r.key is not None and r.key.decode() in stats.aanmeldingen]
    ce_ids = Counter(support.header(r, "ce_id") for r in on_topic)
    dlt = {s: await support.read_topic(topics.dead_letter_topic(s), timeout=60) for s in support.SERVICES}
    dlt_mine = {s: [r for r in recs if r.key is not None and r.key.decode() in stats.aanmeldingen] for s, recs in dlt.items()}
    telling_na = int(await support.db_fetchval("signalering", telling_sql, jaar))

    print(f"\nfaults test, N={N} (+{M} declined), concurrency {CONCURRENCY}")
    print("timeline:")
    print("\n".join(stats.timeline))
    print("counts:")
    print(f"  aanmeldingen posted              {len(keys)}")
    print(f"  trajecten for them               {len(trajecten)} (doubled: {len(doubled)})")
    print(f"  AanmeldingOpgestart in outbox    {len(opgestart)} (distinct aanmeldingen: {len({r['key'] for r in opgestart})})")
    print(f"  ... of which in traject inbox    {len(in_inbox)}")
    print(f"  records on {topics.AANMELDING_MICRO} for them: {len(on_topic)}, distinct event ids {len(ce_ids)}, republished {len(on_topic) - len(ce_ids)}")
    print(f"  outbox rows still unpublished    {unpublished}")
    print(f"  signalering NIET_OPGESTART count +{telling_na - telling_voor} (declined: {M})")
    print("  dead-letter records (all / these keys): " + ", ".join(f"{s} {len(dlt[s])}/{len(dlt_mine[s])}" for s in support.SERVICES))
    print(f"  verification took {time.monotonic() - t_verify:.1f}s")

    assert len(trajecten) == N and not doubled, (len(trajecten), doubled[:5])
    assert len(opgestart) == N and len({r["key"] for r in opgestart}) == N  # one opstart event per aanmelding
    assert {r["event_id"] for r in in_inbox} == set(opgestart_ids)  # each once (the inbox's primary key)
    assert unpublished == 0
    assert {uuid.UUID(i) for i in ce_ids} >= set(opgestart_ids)
    assert telling_na - telling_voor == M, "signalering counted a declined aanmelding twice or not at all"
    assert not any(dlt_mine.values()), {s: len(v) for s, v in dlt_mine.items()}


async def _eq(coro, value) -> bool:
    try:
        return (await coro) == value
    except Exception:  # noqa: BLE001
        return False


async def _gt(coro, value) -> bool:
    try:
        return (await coro)[0] > value
    except Exception:  # noqa: BLE001
        return False


async def _first(coro):
    return (await coro)[0]
