"""The durable evaluation timer: TrajectEvaluatieVerschuldigd exactly once, across a SIGKILL + restart and with
two instances polling at once; then the verlenging decided in an overleg."""

from __future__ import annotations

import asyncio
import signal
import uuid

import httpx
import support
from traject_helpers import (
    FAST,
    body_json,
    credential,
    event_type,
    events_van,
    lopend_traject,
    maanden_terug,
    post,
    start_service,
    wacht_op_events,
)

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol

EVAL = "TrajectEvaluatieVerschuldigd"


async def _status(tid: uuid.UUID) -> str:
    return await support.db_fetchval("traject", "SELECT status FROM traject WHERE traject_id = $1", tid)  # type: ignore[return-value]


async def _evaluaties(tid: uuid.UUID) -> list:
    return [r for r in await events_van(topics.TRAJECT_MICRO, tid) if event_type(r) == EVAL]


async def _alles_gepubliceerd() -> bool:
    return await support.db_fetchval("traject", "SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL")  # type: ignore[return-value]


async def _een_latere_poll(c: httpx.AsyncClient, team: dict[str, str]) -> None:
    """Wait, instead of sleeping, until the timer has polled after this call: a traject that falls due now is
    announced and the outbox is drained. Polls claim due rows oldest first, so anything the timer would still
    (wrongly) announce again has been claimed, committed and published by then."""
    getuige = await lopend_traject(c, team, datum=maanden_terug(4))
    await support.wait_for(lambda: _evaluaties(getuige), timeout=60, interval=0.5, what="a later timer poll")
    await support.wait_for(_alles_gepubliceerd, timeout=30, what="outbox drained")


async def test_evaluation_due_is_published_once_across_a_restart_and_then_extended(log_dir) -> None:
    team = await credential("Co-ncept", Toegangsrol.PLANMAKER)
    proc = await start_service(log_dir)
    try:
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            tid = await lopend_traject(c, team, datum=maanden_terug(4))  # evaluation date a month ago
            recent = await lopend_traject(c, team, datum=maanden_terug(1))  # not yet due
            await support.wait_for(lambda: _status(tid), timeout=30, what="traject stored")
            await support.wait_for(lambda: _evaluaties(tid), timeout=60, interval=0.5, what="evaluation event")
    finally:
        proc.kill(signal.SIGKILL)

    proc = await start_service(log_dir)
    try:
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            await _een_latere_poll(c, team)  # the restarted timer has polled
        evals = await _evaluaties(tid)
        assert len(evals) == 1, [body_json(r) for r in evals]
        assert await _status(tid) == "TE_EVALUEREN"
        assert await _status(recent) == "LOPEND" and await _evaluaties(recent) == []
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            t = (await c.get(f"/trajecten/{tid}", headers=team)).json()
            assert body_json(evals[0])["evaluatieDatum"] == t["evaluatieDatum"]
            oud = t["evaluatieDatum"]
            # Verlenging, decided in an overleg: +3 months, logged; the timer will fire again at the new date only.
            besluit = str(uuid.uuid4())
            t = await post(c, f"/trajecten/{tid}/verlenging", {"besluitOverlegId": besluit}, team)
            assert t["status"] == "VERLENGD" and t["evaluatieDatum"] > oud
            assert t["verlengingen"][0]["besluitOverlegId"] == besluit and t["verlengingen"][0]["maanden"] == 3
            r = await c.post(f"/trajecten/{tid}/verlenging", json={"besluitOverlegId": besluit}, headers=team)
            assert r.status_code == 409  # VERLENGD is not TE_EVALUEREN
            r = await c.post(f"/trajecten/{recent}/verlenging", json={"besluitOverlegId": str(uuid.uuid4())}, headers=team)
            assert r.status_code == 409
        recs = await wacht_op_events(topics.TRAJECT_MICRO, tid, ["TrajectVerlengd"])
        assert body_json(next(r for r in recs if event_type(r) == "TrajectVerlengd"))["nieuweEvaluatieDatum"] == t["evaluatieDatum"]
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            await _een_latere_poll(c, team)  # the timer has polled after the verlenging
        assert len(await _evaluaties(tid)) == 1
    finally:
        proc.stop()


async def test_two_instances_announce_each_due_evaluation_once(log_dir) -> None:
    team = await credential("Co-ncept", Toegangsrol.PLANMAKER)
    # Record the trajecten with timers off, so that both instances find them all due at once.
    stil = await start_service(log_dir, "--no-background")
    try:
        async with httpx.AsyncClient(base_url=stil.url, timeout=30) as c:
            tids = [await lopend_traject(c, team, datum=maanden_terug(5)) for _ in range(12)]
    finally:
        stil.stop()
    assert {await _status(t) for t in tids} == {"LOPEND"}  # the stopped instance ran no timer

    fast = {"TRAJECT_TIMER_POLL_SECONDS": "0.05", "TRAJECT_TIMER_BATCH_SIZE": "3"}
    a = support.ServiceProcess("traject", "serve", log_dir=log_dir, port=support.free_port(), env={**FAST, **fast}).start()
    b = support.ServiceProcess("traject", "serve", log_dir=log_dir, port=support.free_port(), env={**FAST, **fast}).start()
    try:
        await asyncio.gather(a.wait_healthy(timeout=90), b.wait_healthy(timeout=90))

        async def alle_te_evalueren() -> bool:
            return {await _status(t) for t in tids} == {"TE_EVALUEREN"}

        await support.wait_for(alle_te_evalueren, timeout=60, what="all evaluations due")
        async with httpx.AsyncClient(base_url=a.url, timeout=30) as c:
            await _een_latere_poll(c, team)  # polls after the last change: a double would be on the topic now
        records = [r for r in await support.read_topic(topics.TRAJECT_MICRO) if event_type(r) == EVAL]
        per_traject = {t: sum(1 for r in records if r.key.decode() == str(t)) for t in tids}
        assert set(per_traject.values()) == {1}, per_traject
        a.assert_running()
        b.assert_running()
    finally:
        a.stop()
        b.stop()
