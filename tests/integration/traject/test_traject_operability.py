"""Bounded input, metrics and the audit of refusals, on the real traject process, broker and database."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid

import httpx
import pytest
import support
from events_factory import as_record
from prometheus_client.parser import text_string_to_metric_families
from traject_helpers import (
    FAST,
    credential,
    event_type,
    events_van,
    lopend_traject,
    maanden_terug,
    nieuw_traject,
    opgestart,
    post,
    start_service,
    vandaag,
    wacht_op_events,
)

from jeugdhulp_common import topics
from jeugdhulp_common.auth import Toegangsrol


@pytest.fixture(scope="module")
async def consumer(log_dir):
    proc = support.ServiceProcess("traject", "consume", log_dir=log_dir, env=FAST).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
async def service(log_dir, consumer):
    proc = await start_service(log_dir, "--no-consumer", env={"JH_METRICS_TOKEN": "scrape-secret"})
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
async def team():
    return await credential("Co-ncept", Toegangsrol.PLANMAKER)


@pytest.fixture
async def client(service):
    async with httpx.AsyncClient(base_url=service.url, timeout=60) as c:
        yield c


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    r = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert r.status_code == 200, r.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def lag(samples: dict, topic: str) -> float:
    return sum(v for (name, labels), v in samples.items() if name == "jh_consumer_lag" and ("topic", topic) in labels)


async def test_an_overleg_too_large_for_the_broker_is_refused_naming_the_field_and_the_next_event_flows_at_once(client, team) -> None:
    tid = await lopend_traject(client, team, datum=maanden_terug(4))
    overleg = str(uuid.uuid4())
    await post(client, f"/trajecten/{tid}/samenwerkingsoverleg-einde/planning", {"overlegId": overleg, "datum": vandaag().isoformat()}, team)
    antwoorden = [{"vraagId": "E5a", "tekst": f"{i:03d} " + "lange vergadering " * 555} for i in range(190)]
    assert all(len(a["tekst"]) <= 10_000 for a in antwoorden)
    r = await client.post(
        f"/trajecten/{tid}/samenwerkingsoverleg-einde", json={"overlegId": overleg, "datum": vandaag().isoformat(), "antwoorden": antwoorden}, headers=team
    )
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["errors"][0]["field"] == "antwoorden" and problem["errors"][0]["type"] == "event_too_large"
    assert "lange vergadering" not in r.text
    # Nothing was written: not the overleg, not the event.
    assert (await client.get(f"/trajecten/{tid}", headers=team)).json()["samenwerkingsoverlegEinde"] is None
    assert await support.db_fetchval("traject", "SELECT count(*) FROM outbox WHERE key = $1 AND event_type LIKE '%SamenwerkingsoverlegGehouden'", str(tid)) == 0

    # The traject's next event is published at once: nothing stalls behind the refused one.
    assert (await client.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "GEBLOKKEERD"}, headers=team)).status_code == 200
    await wacht_op_events(topics.TRAJECT_MICRO, tid, ["TrajectBlokkadeGewijzigd"], timeout=15)


async def test_a_20_mb_body_gets_413_in_under_a_second_and_the_service_stays_healthy(service, client, team) -> None:
    # The answer comes before the body: a client that sent only the headers and the first MiB reads 413 at once.
    host, port = "127.0.0.1", service.port
    reader, writer = await asyncio.open_connection(host, port)
    try:
        started = time.monotonic()
        writer.write(
            f"PUT /trajecten/{uuid.uuid4()}/blokkade HTTP/1.1\r\nHost: {host}\r\n{'Authorization: ' + team['Authorization']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {20 * 1024 * 1024}\r\n\r\n".encode()
            + b"x" * (1024 * 1024)
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=1.0)
        assert time.monotonic() - started < 1.0
        assert status_line.startswith(b"HTTP/1.1 413"), status_line
    finally:
        writer.close()

    # A client that sends all 20 MB first still reads the 413 (no reset), as problem+json.
    r = await client.put(f"/trajecten/{uuid.uuid4()}/blokkade", content=b"x" * (20 * 1024 * 1024), headers={**team, "content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Content too large"

    async def chunks():  # no Content-Length: counted as it arrives, refused once past the limit
        for _ in range(20):
            yield b"x" * (1024 * 1024)

    r = await client.put(f"/trajecten/{uuid.uuid4()}/blokkade", content=chunks(), headers={**team, "content-type": "application/json"})
    assert r.status_code == 413 and r.json()["title"] == "Content too large"
    assert (await client.get("/ready")).status_code == 200
    tid = await nieuw_traject()
    assert (await client.get(f"/trajecten/{tid}", headers=team)).status_code == 200


async def test_metrics_need_the_scrape_token_or_a_coordinator_and_carry_no_ids(client, team) -> None:
    assert (await client.get("/metrics")).status_code == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
    assert (await client.get("/metrics", headers=team)).status_code == 403
    samples = await scrape(client)
    routes = {dict(labels).get("route") for (name, labels) in samples if name == "jh_http_requests_total"}
    assert "/trajecten/{traject_id}" in routes
    assert not [r for r in routes if r and any(c.isdigit() for c in r.replace("v1", ""))]  # templates, never ids


def _devstack():
    sys.path.insert(0, str(support.ROOT / "scripts"))
    import devstack

    return devstack, devstack.Config.load(support.require_env("JH_STATE_DIR"))


async def test_outbox_age_rises_while_the_broker_is_away_and_falls_after(client, team) -> None:
    tid = await nieuw_traject()
    devstack, cfg = _devstack()
    await asyncio.to_thread(devstack.bring_down, cfg, postgres=False)
    try:
        assert (await client.put(f"/trajecten/{tid}/blokkade", json={"blokkadeStatus": "DREIGEND_TE_BLOKKEREN"}, headers=team)).status_code == 200
        first = value(await scrape(client), "jh_outbox_oldest_unpublished_age_seconds")
        await asyncio.sleep(1.5)  # the gauge is an age: it grows with the time the broker stays away
        second = await scrape(client)
        assert first > 0 and value(second, "jh_outbox_oldest_unpublished_age_seconds") > first
        assert value(second, "jh_outbox_backlog") >= 1
    finally:
        await asyncio.to_thread(devstack.bring_up, cfg, postgres=False)

    async def drained() -> bool:
        s = await scrape(client)
        return value(s, "jh_outbox_oldest_unpublished_age_seconds") == 0 and value(s, "jh_outbox_backlog") == 0

    await support.wait_for(drained, timeout=90, interval=1, what="the outbox drained after the broker returned")
    recs = await events_van(topics.TRAJECT_MICRO, tid)
    assert "TrajectBlokkadeGewijzigd" in [event_type(r) for r in recs]
    assert value(await scrape(client), "jh_outbox_published_total", topic=topics.TRAJECT_MICRO) >= 1


async def test_consumer_lag_rises_while_the_consumer_is_stopped_and_falls_after(client, consumer) -> None:
    await support.wait_for(lambda: _lag_is(client, lambda n: n == 0), timeout=60, what="no lag to start with")
    consumer.stop()
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(opgestart("VOT")) for _ in range(3)])
    await support.wait_for(lambda: _lag_is(client, lambda n: n >= 3), timeout=30, what="lag of the three new events")
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(opgestart("VOT")) for _ in range(2)])
    await support.wait_for(lambda: _lag_is(client, lambda n: n >= 5), timeout=30, what="lag rising to five")
    consumer.start()
    await support.wait_for(lambda: _lag_is(client, lambda n: n == 0), timeout=90, interval=1, what="lag back to zero")
    samples = await scrape(client)
    assert any(name == "jh_consumer_lag" and ("partition", "0") in labels for (name, labels) in samples)


async def _lag_is(client: httpx.AsyncClient, ok) -> bool:
    return ok(lag(await scrape(client), topics.AANMELDING_MICRO))
