"""Real events for the backbone tests (the same contracts the services publish)."""

from __future__ import annotations

import time
import uuid

from aiokafka.structs import ConsumerRecord
from jeugdhulp_common.contracts.aanmelding import AanmeldingGescreend, AanmeldingOntvangen
from jeugdhulp_common.contracts.vocabulary import AanmelderCategorie, Onderwerp, RedenVanAanmelding, RegioELZ
from jeugdhulp_common.events import ce_headers, encode_body


def ontvangen(aanmelding_id: uuid.UUID | None = None, organisatie: str = "VOT") -> AanmeldingOntvangen:
    return AanmeldingOntvangen(
        aanmelding_id=aanmelding_id or uuid.uuid4(),
        aanmelder_organisatie=organisatie,
        aanmelder_categorie=AanmelderCategorie.VOORZIENING,
        onderwerp=Onderwerp.JONGERE,
        regio_jongere=RegioELZ.WESTHOEK,
        leeftijd_bij_aanmelding=14,
        redenen=[RedenVanAanmelding.REFLECTIE],
    )


def as_record(ev: AanmeldingOntvangen | AanmeldingGescreend) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The record the relay would publish: key, JSON body, CloudEvents headers."""
    return ev.key.encode(), encode_body(ev), [(k, v.encode()) for k, v in ce_headers(ev).items()]


def gescreend(aanmelding_id: uuid.UUID | None = None) -> AanmeldingGescreend:
    """An event several of which may exist per aanmelding, and which the traject service does not consume."""
    return AanmeldingGescreend(aanmelding_id=aanmelding_id or uuid.uuid4(), aanmelder_organisatie="VOT", regio_ok=True, leeftijd_ok=True)


def as_consumer_record(ev: AanmeldingOntvangen | AanmeldingGescreend, *, offset: int = 0, topic: str | None = None) -> ConsumerRecord:
    """The record as a consumer receives it (for tests that hand records to ``EventConsumer`` without a broker); on the
    event's own topic unless ``topic`` says otherwise."""
    key, value, headers = as_record(ev)
    return ConsumerRecord(
        topic=topic or ev.topic, partition=0, offset=offset, timestamp=int(time.time() * 1000), timestamp_type=0, key=key,
        value=value, checksum=None, serialized_key_size=len(key), serialized_value_size=len(value), headers=headers,
    )
