"""The broker access policy and the provenance rule, as data: no broker needed."""

from __future__ import annotations

import pytest

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common import broker_access, topics
from jeugdhulp_common.contracts.aanmelding import AanmeldingOpgestart
from jeugdhulp_common.contracts.traject import TrajectBlokkadeGewijzigd
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie
from jeugdhulp_common.events import REGISTRY, DecodeError, ce_headers, decode, encode_body


def test_every_event_is_produced_by_the_owner_of_its_topic() -> None:
    for cls in REGISTRY.all():
        assert topics.TOPIC_OWNER[cls.topic] == cls.producer, cls.__name__
    assert set(topics.TOPIC_OWNER) == set(topics.EVENT_TOPICS)


def test_each_service_reads_exactly_the_topics_of_its_handlers() -> None:
    from signalering.service import HANDLERS as signalering
    from traject.service_layer.handlers import HANDLERS as traject
    from webhooks.service_layer.fanout import handlers as webhooks

    handlers = {"aanmelding": {}, "traject": traject, "signalering": signalering, "webhooks": webhooks()}
    for service, table in handlers.items():
        assert set(topics.SERVICE_READS[service]) == {cls.topic for cls in table}, service


def grants_of(grants, principal, resource, operation) -> set[str]:
    return {g.name for g in grants if g.principal == principal and g.resource == resource and g.operation == operation}


@pytest.mark.parametrize("service", broker_access.SERVICES)
def test_a_service_may_write_its_own_topics_and_read_what_it_consumes(service: str) -> None:
    grants = broker_access.service_grants(service)
    assert grants_of(grants, service, "TOPIC", "WRITE") == set(topics.owned_topics(service))
    assert grants_of(grants, service, "TOPIC", "READ") == set(topics.SERVICE_READS[service])
    assert grants_of(grants, service, "GROUP", "READ") <= {service}
    assert {g.principal for g in grants} == {service}
    assert not any(g.pattern == "PREFIXED" and g.resource == "TOPIC" for g in grants)


def test_nobody_but_signalering_reads_micro_intern_and_only_ops_reads_dead_letters() -> None:
    grants = broker_access.system_grants()
    readers = {g.principal for g in grants if g.resource == "TOPIC" and g.operation == "READ" and g.name == topics.TRAJECT_MICRO_INTERN}
    assert readers == {"signalering"}
    for service in broker_access.SERVICES:
        dlt = topics.dead_letter_topic(service)
        assert {g.principal for g in grants if g.operation == "READ" and g.name == dlt} == {"ops"}


def test_a_subscriber_gets_exactly_its_topics_and_never_internal_ones() -> None:
    grants = broker_access.subscriber_grants("act", topics.SUBSCRIBER_PRESETS["act"])
    assert grants_of(grants, "act", "TOPIC", "READ") == {topics.AANMELDING_MICRO, topics.TRAJECT_MICRO}
    assert not grants_of(grants, "act", "TOPIC", "WRITE")
    for bad in (topics.TRAJECT_MICRO_INTERN, topics.dead_letter_topic("aanmelding"), "jeugdhulp.elders"):
        with pytest.raises(broker_access.AccessError):
            broker_access.subscriber_grants("act", [bad])
    for reserved in ("aanmelding", "ops", "admin"):
        with pytest.raises(broker_access.AccessError):
            broker_access.subscriber_grants(reserved, [topics.TRAJECT_MICRO])


def test_dead_letter_topics_have_an_explicit_retention() -> None:
    configs = topics.topic_configs(topics.owned_topics("traject"), dlt_retention_hours=24)
    assert configs == {topics.dead_letter_topic("traject"): {"retention.ms": str(24 * 3600 * 1000)}}


def opgestart() -> AanmeldingOpgestart:
    return AanmeldingOpgestart(aanmelding_id=__import__("uuid").uuid4(), aanmelder_organisatie="VOT", aanmelder_categorie=AanmelderCategorie.VOORZIENING)


def test_decode_accepts_an_event_from_the_owner_of_its_topic() -> None:
    ev = opgestart()
    assert decode(encode_body(ev), ce_headers(ev), topic=topics.AANMELDING_MICRO) == ev


def test_decode_refuses_a_foreign_source() -> None:
    ev = opgestart()
    with pytest.raises(DecodeError, match="provenance: ce_source"):
        decode(encode_body(ev), ce_headers(ev) | {"ce_source": "/jeugdhulp/traject"}, topic=topics.AANMELDING_MICRO)
    with pytest.raises(DecodeError, match="provenance: ce_source"):
        decode(encode_body(ev), {k: v for k, v in ce_headers(ev).items() if k != "ce_source"}, topic=topics.AANMELDING_MICRO)


def test_decode_refuses_an_event_on_a_topic_it_does_not_belong_to() -> None:
    ev = opgestart()
    with pytest.raises(DecodeError, match="does not belong on topic"):
        decode(encode_body(ev), ce_headers(ev), topic=topics.TRAJECT_MICRO)
    headers = ce_headers(ev) | {"ce_type": TrajectBlokkadeGewijzigd.event_type, "ce_source": "/jeugdhulp/traject"}
    with pytest.raises(DecodeError, match="does not belong on topic"):
        decode(encode_body(ev), headers, topic=topics.AANMELDING_MICRO)
