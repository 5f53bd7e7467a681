"""A row the broker refuses for good is parked; other keys flow; its own key waits; a requeue publishes it once, in order."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid

import support
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from events_factory import gescreend

from jeugdhulp_common import metrics, outbox
from jeugdhulp_common.db import make_engine, make_sessionmaker
from jeugdhulp_common.kafka_admin import ensure_topics
from jeugdhulp_common.outbox import OutboxRelay
from jeugdhulp_common.tables import outbox_table

SERVICE = "aanmelding"


async def set_max_message_bytes(topic: str, value: int) -> None:
    admin = support.kafka().admin()
    await admin.start()
    try:
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={"max.message.bytes": str(value)})])
    finally:
        await admin.close()


async def topic_config(topic: str, name: str) -> str | None:
    """One topic setting (None until the new topic's metadata reached the broker that answers)."""
    admin = support.kafka().admin()
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        for entry in response.resources[0][4]:
            if entry[0] == name:
                return entry[1]
        return None
    finally:
        await admin.close()


async def ops(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jeugdhulp_common.ops", *args, cwd=support.ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def row_state(event_id: uuid.UUID):
    return (await support.db_fetch(SERVICE, "SELECT id, published_at, parked_at, parked_reason FROM outbox WHERE event_id = $1", event_id))[0]


async def test_topics_are_created_with_an_explicit_max_message_bytes() -> None:
    topic = f"jeugdhulp.test.i11-config-{uuid.uuid4().hex[:8]}"
    await ensure_topics(support.kafka(), [topic], partitions=1, replication_factor=1, configs={topic: {"max.message.bytes": "123456"}})
    await support.wait_for(lambda: topic_config(topic, "max.message.bytes"), timeout=10, what="the new topic's config")
    assert await topic_config(topic, "max.message.bytes") == "123456"


async def test_a_refused_row_is_parked_other_keys_flow_and_after_a_requeue_it_is_published_once_in_order() -> None:
    topic = f"jeugdhulp.test.i11-parking-{uuid.uuid4().hex[:8]}"
    await ensure_topics(support.kafka(), [topic], partitions=1, replication_factor=1, configs={topic: {"max.message.bytes": "1048588"}})
    await set_max_message_bytes(topic, 20_000)  # lowered by hand below the first row's size

    a, b = uuid.uuid4(), uuid.uuid4()
    a1, a2, b1, a3 = gescreend(a), gescreend(a), gescreend(b), gescreend(a)
    rows = []
    for ev in (a1, a2, b1, a3):
        row = outbox.outbox_row(ev)
        row["topic"] = topic
        rows.append(row)
    rows[0]["payload"] = json.dumps({**json.loads(rows[0]["payload"]), "opvulling": "x" * 50_000})
    engine = make_engine(support.database_url(SERVICE))
    relay = OutboxRelay(engine, support.kafka(), batch_size=500)
    parked_before = metrics.OUTBOX_PARKED.labels(topic, "MessageSizeTooLargeError")._value.get()  # noqa: SLF001
    try:
        async with make_sessionmaker(engine).begin() as session:
            await session.execute(outbox_table.insert(), rows)

        async def b1_published() -> bool:
            await relay.run_once()
            return (await row_state(b1.event_id))["published_at"] is not None

        await support.wait_for(b1_published, timeout=30, what="the other key's row published")
        first = await row_state(a1.event_id)
        assert first["parked_at"] is not None and "MessageSizeTooLarge" in first["parked_reason"]
        for ev in (a2, a3):  # waiting behind it: neither published nor parked
            s = await row_state(ev.event_id)
            assert s["published_at"] is None and s["parked_at"] is None
        assert metrics.OUTBOX_PARKED.labels(topic, "MessageSizeTooLargeError")._value.get() == parked_before + 1  # noqa: SLF001
        await metrics.refresh_outbox_gauges(engine)
        assert metrics.OUTBOX_PARKED_ROWS._value.get() >= 1 and metrics.OUTBOX_BLOCKED_ROWS._value.get() >= 2  # noqa: SLF001
        on_wire = [r for r in await support.read_topic(topic)]
        assert [support.header(r, "ce_id") for r in on_wire] == [str(b1.event_id)]

        # The operator sees it, with why and what waits behind it.
        rc, out, err = await ops("outbox", "list", SERVICE)
        assert rc == 0, err
        line = next(ln for ln in out.splitlines() if ln.startswith(f"{first['id']}\t"))
        fields = line.split("\t")
        assert fields[1:4] == [topic, str(a), "be.jeugdhulp.aanmelding.AanmeldingGescreend"]
        assert fields[6] == "2" and fields[7].startswith("MessageSizeTooLargeError")
        assert "parked row(s); after fixing the cause: jeugdhulp-ops outbox requeue aanmelding --all" in out

        # Nothing is requeued by mistake: a wrong id is one line, not a traceback.
        rc, out, err = await ops("outbox", "requeue", SERVICE, "999999999")
        assert rc == 1 and "not parked: 999999999" in err and "Traceback" not in err

        # The cause is fixed, the row requeued: published once, before the rows that waited, in order.
        await set_max_message_bytes(topic, 1_048_588)
        rc, out, err = await ops("outbox", "requeue", SERVICE, str(first["id"]))
        assert rc == 0, err
        assert out.strip() == f"requeued 1 row(s): {first['id']}"

        async def all_published() -> bool:
            await relay.run_once()
            return all([(await row_state(ev.event_id))["published_at"] is not None for ev in (a1, a2, a3)])

        await support.wait_for(all_published, timeout=30, what="the requeued row and those behind it published")
        records = await support.read_topic(topic)
        by_key = [support.header(r, "ce_id") for r in records if r.key.decode() == str(a)]
        assert by_key == [str(a1.event_id), str(a2.event_id), str(a3.event_id)]
        assert (await ops("outbox", "list", SERVICE))[1].count(f"\t{topic}\t") == 0
    finally:
        await relay._drop_producer()  # noqa: SLF001
        await engine.dispose()
