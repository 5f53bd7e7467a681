"""The consumer's inbox row names the topic of the Kafka record it read (the record is the truth, not the topic the
event's class declares), on the batch path and on the record-by-record path alike, on the real Postgres.

The records are handed to the consumer as the broker would (``ConsumerRecord``), without a broker: what is under test
is the inbox transaction. The provenance check of ``decode`` refuses an event on any topic but its class's, so in the
services the two topics agree; here that check is left out so that they differ and the test shows which one is kept.
"""

from __future__ import annotations

import uuid

import pytest
import support
from aiokafka.structs import ConsumerRecord
from events_factory import as_consumer_record, gescreend

from jeugdhulp_common import consumer as consumer_module
from jeugdhulp_common import events
from jeugdhulp_common.consumer import EventConsumer, MessageMeta
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend
from jeugdhulp_common.db import make_engine

SERVICE_DB = "traject"
ELDERS = "jeugdhulp.test.elders"  # not the topic AanmeldingGescreend declares


def op_elders(ev: AanmeldingGescreend, offset: int) -> ConsumerRecord:
    return as_consumer_record(ev, offset=offset, topic=ELDERS)


async def inbox_topics(event_ids: list[uuid.UUID]) -> list[str]:
    rows = await support.db_fetch(SERVICE_DB, "SELECT topic FROM inbox WHERE event_id = ANY($1::uuid[]) ORDER BY topic", event_ids)
    return [r["topic"] for r in rows]


@pytest.fixture
async def consumer(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(consumer_module, "decode", lambda value, headers, topic=None: events.decode(value, headers))
    gezien: list[MessageMeta] = []

    async def handler(session, ev, meta: MessageMeta) -> None:
        gezien.append(meta)

    engine = make_engine(support.database_url(SERVICE_DB))
    c = EventConsumer(
        group_id=f"inbox-topic-{uuid.uuid4().hex[:8]}", kafka=support.kafka(), engine=engine,
        handlers={AanmeldingGescreend: handler},
    )
    c.gezien = gezien
    yield c
    await engine.dispose()


async def test_a_batch_claims_its_inbox_rows_under_the_records_topic(consumer) -> None:
    evs = [gescreend(), gescreend()]
    assert AanmeldingGescreend.topic != ELDERS
    assert await consumer._apply_batch([op_elders(ev, i) for i, ev in enumerate(evs)]) == 2  # the batch path, not the fallback
    assert [m.topic for m in consumer.gezien] == [ELDERS, ELDERS]
    assert await inbox_topics([ev.event_id for ev in evs]) == [ELDERS, ELDERS]


async def test_a_lone_record_claims_its_inbox_row_under_the_records_topic(consumer) -> None:
    ev = gescreend()
    await consumer.process(op_elders(ev, 0))
    assert [m.topic for m in consumer.gezien] == [ELDERS]
    assert await inbox_topics([ev.event_id]) == [ELDERS]
