"""Idempotent consumer and dead-letter topic, with the traject service's real consumer process."""

from __future__ import annotations

import json
import signal
import uuid

import pytest
import support
from events_factory import as_record, ontvangen

from jeugdhulp_common import topics

DLT = topics.dead_letter_topic("traject")
FAST_RETRIES = {"JH_CONSUMER_MAX_ATTEMPTS": "3", "JH_CONSUMER_BACKOFF_INITIAL_SECONDS": "0.05", "JH_CONSUMER_BACKOFF_MAX_SECONDS": "0.2"}


async def effects(aanmelding_ids: list[uuid.UUID]) -> int:
    return await support.db_fetchval("traject", "SELECT count(*) FROM aanmelding_projectie WHERE aanmelding_id = ANY($1)", aanmelding_ids)


async def dead_letters_for(keys: set[str]) -> list:
    return [r for r in await support.read_topic(DLT) if r.key is not None and r.key.decode() in keys]


@pytest.fixture
async def consumer(log_dir):
    proc = support.ServiceProcess("traject", "consume", log_dir=log_dir, env=FAST_RETRIES).start()
    yield proc
    proc.stop()


async def test_the_same_event_delivered_twice_has_one_effect(consumer) -> None:
    ev = ontvangen()
    sentinel = ontvangen(aanmelding_id=uuid.uuid4())
    # The sentinel shares the key, hence the partition: once it is processed, both copies were read.
    key, value, headers = as_record(ev)
    s_key, s_value, s_headers = as_record(sentinel)
    await support.produce_raw(topics.AANMELDING_MICRO, [(key, value, headers), (key, value, headers), (key, s_value, s_headers)])
    await support.wait_for(lambda: effects([sentinel.aanmelding_id]), timeout=60, what="sentinel processed")
    consumer.assert_running()
    assert await effects([ev.aanmelding_id]) == 1
    assert await support.db_fetchval("traject", "SELECT count(*) FROM inbox WHERE event_id = $1", ev.event_id) == 1
    assert await dead_letters_for({key.decode()}) == []


async def test_poison_messages_go_to_the_dead_letter_topic_and_consumption_continues(consumer) -> None:
    key = str(uuid.uuid4()).encode()
    good = ontvangen(aanmelding_id=uuid.UUID(key.decode()))
    _, good_value, good_headers = as_record(good)

    undecodable = (key, b"\x00\xffnot json", as_record(ontvangen())[2])
    invalid = ontvangen()
    body = json.loads(as_record(invalid)[1])
    body["leeftijdBijAanmelding"] = "veertien"  # schema-invalid; the value must not leak into the DLT reason
    schema_invalid = (key, json.dumps(body).encode(), as_record(invalid)[2])
    unknown_type = (key, b"{}", [(k, b"be.jeugdhulp.onbekend.Iets" if k == "ce_type" else v) for k, v in as_record(ontvangen())[2]])
    # A valid event whose effect always fails (a different event claiming an aanmelding already recorded).
    existing = ontvangen()
    conflicting = ontvangen(aanmelding_id=existing.aanmelding_id)
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(existing)])
    await support.wait_for(lambda: effects([existing.aanmelding_id]), timeout=60, what="existing processed")

    failing = (key, as_record(conflicting)[1], as_record(conflicting)[2])
    await support.produce_raw(topics.AANMELDING_MICRO, [undecodable, schema_invalid, unknown_type, failing, (key, good_value, good_headers)])

    await support.wait_for(lambda: effects([good.aanmelding_id]), timeout=60, what="the good message after the poison")
    consumer.assert_running()
    dead = await dead_letters_for({key.decode()})
    reasons = [support.header(r, "dlt.reason") for r in dead]
    assert len(dead) == 4, reasons
    assert "schema-invalid" in reasons[1] and "leeftijdBijAanmelding" in reasons[1] and "veertien" not in reasons[1]
    assert "unknown event type" in reasons[2]
    assert "UniqueViolationError (SQLSTATE 23505)" in reasons[3] and support.header(dead[3], "dlt.attempts") == "3"
    for r in dead:
        assert support.header(r, "dlt.original.topic") == topics.AANMELDING_MICRO
        assert support.header(r, "dlt.consumer.group") == "traject"
        assert support.header(r, "dlt.original.offset") is not None
    assert dead[0].value == b"\x00\xffnot json"  # the record itself, unchanged
    assert await effects([existing.aanmelding_id]) == 1


async def _produce_many(n: int) -> list[uuid.UUID]:
    events = [ontvangen() for _ in range(n)]
    await support.produce_raw(topics.AANMELDING_MICRO, [as_record(e) for e in events])
    return [e.aanmelding_id for e in events]


async def test_consumer_killed_mid_stream_gives_every_event_exactly_one_effect(log_dir) -> None:
    ids = await _produce_many(3000)
    first = support.ServiceProcess("traject", "consume", log_dir=log_dir).start()
    try:
        await support.wait_for(lambda: effects(ids), timeout=60, interval=0.02, what="first effects")
        first.kill(signal.SIGKILL)
    finally:
        first.stop()
    at_kill = await effects(ids)
    assert 0 < at_kill < len(ids), "the consumer must be killed mid-stream"

    second = support.ServiceProcess("traject", "consume", log_dir=log_dir).start()
    try:
        await support.wait_for(lambda: _done(ids), timeout=180, what="every event processed after restart")
        second.assert_running()
    finally:
        second.stop()
    assert await effects(ids) == len(ids)
    assert await dead_letters_for({str(i) for i in ids}) == []


async def _done(ids: list[uuid.UUID]) -> bool:
    return await effects(ids) == len(ids)


async def test_rebalance_between_two_consumers_never_skips_an_event(log_dir) -> None:
    ids = await _produce_many(3000)
    a = support.ServiceProcess("traject", "consume", log_dir=log_dir).start()
    b = support.ServiceProcess("traject", "consume", log_dir=log_dir)
    try:
        await support.wait_for(lambda: effects(ids), timeout=60, interval=0.05, what="first effects")
        b.start()  # joins the group: partitions move while A is mid-stream

        async def beide_in_de_groep() -> bool:
            return await support.consumer_group_members("traject") == 2

        await support.wait_for(beide_in_de_groep, timeout=60, what="A and B in the traject group")
        a.kill(signal.SIGKILL)  # and move again, to B alone
        await support.wait_for(lambda: _done(ids), timeout=180, what="every event processed across rebalances")
        b.assert_running()
    finally:
        a.stop()
        b.stop()
    assert await effects(ids) == len(ids)
    assert await dead_letters_for({str(i) for i in ids}) == []
