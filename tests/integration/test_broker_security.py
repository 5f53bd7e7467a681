"""Trust at the broker: SASL_SSL only, a verified certificate, least privilege per principal, provenance.

Everything here runs against the real broker started by ``scripts/devstack.py`` (SASL_SSL with SCRAM users and
the StandardAuthorizer) and, for provenance, the traject service's real consumer process.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import support
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from jeugdhulp_common import broker_access, topics
from jeugdhulp_common.contracts.aanmelding import AanmeldingOpgestart
from jeugdhulp_common.contracts.traject import TrajectBlokkadeGewijzigd
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie
from jeugdhulp_common.events import ce_headers, encode_body
from jeugdhulp_common.kafka import KafkaConnection

SERVICES = ("aanmelding", "traject", "signalering", "webhooks")
TIMEOUT = 8


def as_service(service: str) -> KafkaConnection:
    return KafkaConnection.from_env(service)


async def can_connect(conn: KafkaConnection) -> bool:
    """True if the client gets through TLS and SASL and is answered (cluster metadata)."""
    admin = conn.admin(request_timeout_ms=3000, connections_max_idle_ms=5000)
    try:
        await asyncio.wait_for(admin.start(), timeout=TIMEOUT)
        await asyncio.wait_for(admin.describe_cluster(), timeout=TIMEOUT)
        return True
    except (KafkaError, TimeoutError, OSError):
        return False
    finally:
        await admin.close()


async def can_write(conn: KafkaConnection, topic: str) -> bool:
    producer = conn.producer(request_timeout_ms=5000)
    try:
        await asyncio.wait_for(producer.start(), timeout=TIMEOUT)  # an idempotent producer needs WRITE somewhere
        await asyncio.wait_for(producer.send_and_wait(topic, key=b"probe", value=b"{}"), timeout=TIMEOUT)
        return True
    except (KafkaError, TimeoutError):
        return False
    finally:
        await producer.stop()


async def can_read(conn: KafkaConnection, topic: str, group: str | None = None) -> bool:
    """True if the principal may see and fetch from the topic (and, with ``group``, use that consumer group).

    Nothing is written: the group is only asked for its committed offset (which needs the group's ACL too).
    """
    consumer = conn.consumer(group_id=group, enable_auto_commit=False, auto_offset_reset="earliest", request_timeout_ms=5000)
    await consumer.start()
    try:
        await asyncio.wait_for(consumer._client.force_metadata_update(), timeout=TIMEOUT)  # noqa: SLF001
        if not consumer.partitions_for_topic(topic):
            return False  # not even allowed to know the topic exists
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await asyncio.wait_for(consumer.seek_to_beginning(tp), timeout=TIMEOUT)
        await asyncio.wait_for(consumer.getmany(tp, timeout_ms=500), timeout=TIMEOUT)
        if group is not None:
            await asyncio.wait_for(consumer.committed(tp), timeout=TIMEOUT)
        return True
    except (KafkaError, TimeoutError):
        return False
    finally:
        await consumer.stop()


# --------------------------------------------------------------------------- the listener


async def test_the_client_listener_offers_no_plaintext_and_no_anonymous_access() -> None:
    good = support.kafka()
    assert good.security_protocol == "SASL_SSL"
    assert await can_connect(good)
    plaintext = KafkaConnection(good.bootstrap_servers, "PLAINTEXT")
    assert not await can_connect(plaintext)
    tls_without_credentials = KafkaConnection(good.bootstrap_servers, "SSL", ssl_cafile=good.ssl_cafile)
    assert not await can_connect(tls_without_credentials)


async def test_a_wrong_password_is_refused() -> None:
    good = as_service("traject")
    assert await can_connect(good)
    assert not await can_connect(good.as_user("traject", "not-" + (good.sasl_password or "")))
    assert not await can_connect(good.as_user("nobody", "whatever"))


async def test_the_broker_certificate_is_verified(tmp_path: Path) -> None:
    good = as_service("traject")
    other_ca = tmp_path / "other-ca.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(tmp_path / "k"),
         "-out", str(other_ca), "-subj", "/CN=not our CA"],
        check=True, capture_output=True,
    )
    assert not await can_connect(KafkaConnection(good.bootstrap_servers, "SASL_SSL", good.sasl_mechanism, good.sasl_username, good.sasl_password, str(other_ca)))
    # The system trust store does not know the project's CA either.
    assert not await can_connect(KafkaConnection(good.bootstrap_servers, "SASL_SSL", good.sasl_mechanism, good.sasl_username, good.sasl_password, None))


# --------------------------------------------------------------------------- least privilege


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_writes_only_its_own_topics(service: str) -> None:
    """Refused everywhere else. Its own event topics are written by its relay in every other test; here only its
    dead-letter topic is written to (a probe on an event topic would reach the other services' consumers)."""
    conn = as_service(service)
    own = topics.owned_topics(service)
    for topic in [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in SERVICES)]:
        if topic not in own:
            assert not await can_write(conn, topic), f"{service} writing {topic}"
    assert await can_write(conn, topics.dead_letter_topic(service))


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_reads_only_the_topics_it_consumes_and_only_in_its_own_group(service: str) -> None:
    conn = as_service(service)
    reads = set(topics.SERVICE_READS[service])
    for topic in [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in SERVICES)]:
        assert await can_read(conn, topic) == (topic in reads), f"{service} reading {topic}"
    if reads:
        topic = sorted(reads)[0]
        assert await can_read(conn, topic, group=service)
        other = next(s for s in SERVICES if s != service)
        assert not await can_read(conn, topic, group=other), f"{service} joining {other}'s group"


async def test_only_signalering_reads_micro_intern_and_only_ops_reads_every_dead_letter_topic() -> None:
    for service in SERVICES:
        assert await can_read(as_service(service), topics.TRAJECT_MICRO_INTERN) == (service == "signalering")
    ops = KafkaConnection.from_env("ops")
    assert not await can_read(ops, topics.TRAJECT_MICRO_INTERN)
    for service in SERVICES:
        assert await can_read(ops, topics.dead_letter_topic(service))


def broker_access_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADMIN_KAFKA_SASL_USERNAME": os.environ["TEST_KAFKA_SASL_USERNAME"], "ADMIN_KAFKA_SASL_PASSWORD": os.environ["TEST_KAFKA_SASL_PASSWORD"]}
    return subprocess.run([sys.executable, "-m", "jeugdhulp_common.broker_access", *args], env=env, capture_output=True, text=True, timeout=120)


async def test_a_subscriber_created_with_the_cli_reads_what_it_was_granted_and_nothing_else() -> None:
    name = f"act-{uuid.uuid4().hex[:6]}"
    done = broker_access_cli("subscriber", name, "--preset", "act")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert lines["KAFKA_SASL_USERNAME"] == name
    act = support.kafka().as_user(name, lines["KAFKA_SASL_PASSWORD"])

    assert await can_read(act, topics.TRAJECT_MICRO, group=f"{name}.blokkades")
    assert await can_read(act, topics.AANMELDING_MICRO)
    assert not await can_read(act, topics.TRAJECT_MICRO_INTERN)
    for service in SERVICES:
        assert not await can_read(act, topics.dead_letter_topic(service))
        assert not await can_read(act, topics.TRAJECT_MICRO, group=service), "a subscriber must not take a service's partitions"
    assert not await can_write(act, topics.AANMELDING_MICRO)
    assert not await can_write(act, topics.dead_letter_topic("traject"))


def test_the_cli_refuses_to_grant_internal_or_dead_letter_topics() -> None:
    for topic in (topics.TRAJECT_MICRO_INTERN, topics.dead_letter_topic("traject"), "jeugdhulp.onbekend"):
        done = broker_access_cli("subscriber", f"x-{uuid.uuid4().hex[:6]}", "--topic", topic)
        assert done.returncode == 2, done
        assert topic in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(broker_access.AccessError):
        broker_access.subscriber_grants("traject", [topics.TRAJECT_MICRO])


# --------------------------------------------------------------------------- provenance


def record(ev, **header_overrides: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    headers = ce_headers(ev) | header_overrides
    return ev.key.encode(), encode_body(ev), [(k, v.encode()) for k, v in headers.items()]


async def test_an_event_with_a_foreign_source_is_dead_lettered_and_has_no_effect(log_dir) -> None:
    consumer = support.ServiceProcess("traject", "consume", log_dir=log_dir).start()
    try:
        forged = AanmeldingOpgestart(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="Verzonnen vzw", aanmelder_categorie=AanmelderCategorie.VOORZIENING)
        misplaced = record(forged, ce_type=TrajectBlokkadeGewijzigd.event_type, ce_source="/jeugdhulp/traject")
        genuine = AanmeldingOpgestart(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", aanmelder_categorie=AanmelderCategorie.VOORZIENING)
        # The forgery and the sentinel share a key, so once the sentinel has an effect the forgery was processed.
        sentinel_key, sentinel_value, sentinel_headers = record(genuine)
        await support.produce_raw(
            topics.AANMELDING_MICRO,
            [record(forged, ce_source="/jeugdhulp/buitenstaander"), (forged.key.encode(), misplaced[1], misplaced[2]),
             (forged.key.encode(), sentinel_value, sentinel_headers)],
        )

        async def created() -> object:
            return await support.db_fetchval("traject", "SELECT traject_id FROM traject WHERE aanmelding_id = $1", genuine.aanmelding_id)

        await support.wait_for(created, timeout=60, what="the genuine event processed")
        assert await support.db_fetchval("traject", "SELECT count(*) FROM traject WHERE aanmelding_id = $1", forged.aanmelding_id) == 0
        dead = [r for r in await support.read_topic(topics.dead_letter_topic("traject")) if r.key == forged.key.encode()]
        reasons = [support.header(r, "dlt.reason") or "" for r in dead]
        assert len(dead) == 2, reasons
        assert "provenance" in reasons[0] and "ce_source" in reasons[0]
        assert "provenance" in reasons[1] and topics.AANMELDING_MICRO in reasons[1]
        consumer.assert_running()
    finally:
        consumer.stop()
