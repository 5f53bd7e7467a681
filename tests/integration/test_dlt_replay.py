"""A poison event is dead-lettered; after the handler is fixed the operator CLI replays it: exactly one effect."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

import support
from events_factory import as_record, gescreend

from jeugdhulp_common import metrics, topics
from jeugdhulp_common.consumer import EventConsumer
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.db import make_engine
from jeugdhulp_common.kafka import partitions
from jeugdhulp_common.kafka_admin import ensure_topics
from sqlalchemy import text

SERVICE_DB = "aanmelding"


async def ops(*args: str) -> tuple[int, str, str]:
    # The test's own consumer group has its own dead-letter topic, which the ops principal is not granted (its ACLs
    # name the services' dead-letter topics; test_broker_security checks them): the CLI runs as the test's principal.
    env = {**os.environ, "OPS_KAFKA_SASL_USERNAME": os.environ.get("TEST_KAFKA_SASL_USERNAME", ""),
           "OPS_KAFKA_SASL_PASSWORD": os.environ.get("TEST_KAFKA_SASL_PASSWORD", "")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jeugdhulp_common.ops", *args, cwd=support.ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def start_at_the_end(group: str, topic: str) -> None:
    """The test's new consumer group starts at the end of the topic, so only this test's records reach it (records
    other tests left, poison among them, would otherwise land on its dead-letter topic too)."""
    consumer = support.kafka().consumer(group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await partitions(consumer, [topic], refresh=True)
        consumer.assign(tps)
        end = await consumer.end_offsets(tps)
        await consumer.commit({tp: end[tp] for tp in tps})
    finally:
        await consumer.stop()


async def test_a_poison_event_is_dead_lettered_then_replayed_by_the_cli_after_the_fix_with_exactly_one_effect() -> None:
    group = f"i11-replay-{uuid.uuid4().hex[:8]}"
    dlt = topics.dead_letter_topic(group)
    await ensure_topics(support.kafka(), [dlt], partitions=1, replication_factor=1)
    ev = gescreend()
    broken = {"yes": True}  # the flag: this test's handler fails while it is set

    async def handler(session, event, meta) -> None:
        if event.event_id != ev.event_id:
            return  # other tests' events on the same topic
        if broken["yes"]:
            raise RuntimeError("simulated bug in the handler")
        await session.execute(text("INSERT INTO i11_effect (event_id) VALUES (:id)"), {"id": event.event_id})

    engine = make_engine(support.database_url(SERVICE_DB))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS i11_effect (event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now())"))
    await start_at_the_end(group, topics.AANMELDING_MICRO)
    consumer = EventConsumer(
        group_id=group, kafka=support.kafka(), engine=engine, handlers={AanmeldingGescreend: handler},
        max_attempts=2, backoff_initial=0.05, backoff_max=0.1,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    effects = lambda: support.db_fetchval(SERVICE_DB, "SELECT count(*) FROM i11_effect WHERE event_id = $1", ev.event_id)  # noqa: E731
    try:
        await support.produce_raw(topics.AANMELDING_MICRO, [as_record(ev)])
        await support.wait_for(lambda: support.read_topic(dlt), timeout=60, what="the poison record on the dead-letter topic")
        assert await effects() == 0

        # list: its reason, never its body
        rc, out, err = await ops("dlt", "list", group)
        assert rc == 0, err
        header, line, total = out.strip().splitlines()
        assert header.split("\t") == ["REF", "TYPE", "EVENT_ID", "CLASS", "ATTEMPTS", "ORIGINAL", "REASON"]
        ref, typ, event_id, klasse, attempts, original, reason = line.split("\t")
        assert (typ, event_id, klasse, attempts) == ("be.jeugdhulp.aanmelding.AanmeldingGescreend", str(ev.event_id), "Ps", "2")
        assert original.startswith(f"{topics.AANMELDING_MICRO}@") and reason == "RuntimeError: handler failed"
        assert total == f"1 dead-lettered record(s) on {dlt}"
        assert "VOT" not in out  # the body (aanmelderOrganisatie) is not printed

        # show: headers; the pseudonymous body only on request
        rc, out, err = await ops("dlt", "show", group, ref)
        assert rc == 0 and f"ce_id\t{ev.event_id}" in out and "dlt.reason\tRuntimeError: handler failed" in out
        assert "body\t(hidden: privacy class Ps; --show-body prints it)" in out and "VOT" not in out
        rc, out, err = await ops("dlt", "show", group, ref, "--show-body")
        assert rc == 0 and '"aanmelderOrganisatie":"VOT"' in out.replace(" ", "")

        # an unknown ref is one line, not a traceback
        rc, out, err = await ops("dlt", "replay", group, "0:999999")
        assert rc == 1 and "not on the dead-letter topic: 0:999999" in err and "Traceback" not in err

        # the fix is deployed; the operator replays: one effect
        broken["yes"] = False
        rc, out, err = await ops("dlt", "replay", group, "--all")
        assert rc == 0, err
        assert out.strip() == f"replayed 1 record(s) to {topics.AANMELDING_MICRO}"
        await support.wait_for(effects, timeout=60, what="the replayed event's effect")

        # replayed again by mistake: the inbox absorbs it
        duplicates = metrics.DUPLICATES.labels(topics.AANMELDING_MICRO, ev.event_type)._value.get()  # noqa: SLF001
        rc, out, err = await ops("dlt", "replay", group, ref)
        assert rc == 0, err
        await support.wait_for(
            lambda: metrics.DUPLICATES.labels(topics.AANMELDING_MICRO, ev.event_type)._value.get() > duplicates,  # noqa: SLF001
            timeout=60, what="the second replay absorbed by the inbox",
        )
        assert await effects() == 1
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await engine.dispose()
