"""Event contracts: registry, CloudEvents headers, decoding, and the committed contracts folder."""

from __future__ import annotations

import json
import uuid

import pytest

from jeugdhulp_common import topics
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen, IntakeStatusGewijzigd
from jeugdhulp_common.contracts_export import render
from jeugdhulp_common.events import REGISTRY, DecodeError, PrivacyClass, ce_headers, decode, encode_body
from jeugdhulp_common.topics import MESO_MACRO_TOPICS

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]


def ontvangen(**kw) -> AanmeldingOntvangen:
    base = dict(aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT", aanmelder_categorie="VOORZIENING", onderwerp="JONGERE",
                regio_jongere="WESTHOEK", leeftijd_bij_aanmelding=14, redenen=["REFLECTIE"])
    return AanmeldingOntvangen(**(base | kw))


def test_every_event_is_registered_with_topic_key_and_privacy_class() -> None:
    events = REGISTRY.all()
    assert len(events) >= 30
    for cls in events:
        assert cls.topic in topics.EVENT_TOPICS
        assert cls.key_field in cls.model_fields
        # an older version kept for reading is a class named <Event>V<n>
        naam = cls.__name__.removesuffix(f"V{cls.schema_version}") if cls.__name__.endswith(f"V{cls.schema_version}") else cls.__name__
        assert cls.event_type == f"be.jeugdhulp.{cls.producer}.{naam}"
        assert cls.schema_version >= 1


def test_meso_and_macro_topics_carry_only_anonymous_events() -> None:
    for topic in MESO_MACRO_TOPICS:
        classes = REGISTRY.on_topic(topic)
        assert classes, topic
        assert {c.privacy for c in classes} == {PrivacyClass.A}
        for c in classes:
            assert not {"traject_id", "aanmelding_id"} & set(c.model_fields), c


def test_cloudevents_headers_and_body_round_trip() -> None:
    ev = ontvangen()
    headers = ce_headers(ev)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_id"] == str(ev.event_id)
    assert headers["ce_subject"] == str(ev.aanmelding_id) == ev.key
    assert headers["ce_source"] == "/jeugdhulp/aanmelding"
    assert headers["ce_privacyclass"] == "P"
    body = json.loads(encode_body(ev))
    assert body["aanmeldingId"] == str(ev.aanmelding_id)  # camelCase on the wire
    assert decode(encode_body(ev), headers) == ev


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda v, h: (v, {k: x for k, x in h.items() if k != "ce_specversion"}), "ce_specversion"),
        (lambda v, h: (v, h | {"ce_type": "be.jeugdhulp.x.Onbekend"}), "unknown event type"),
        (lambda v, h: (v, h | {"ce_schemaversion": "2"}), "unknown event type"),
        (lambda v, h: (v, h | {"ce_schemaversion": "een"}), "ce_schemaversion"),
        (lambda v, h: (b"{not json", h), "schema-invalid"),
        (lambda v, h: (None, h), "empty"),
        (lambda v, h: (v, h | {"ce_id": str(uuid.uuid4())}), "does not match"),
    ],
)
def test_decode_refuses_poison_with_a_reason(mutate, reason) -> None:
    ev = ontvangen()
    value, headers = mutate(encode_body(ev), ce_headers(ev))
    with pytest.raises(DecodeError) as err:
        decode(value, headers)
    assert reason in err.value.reason


def test_schema_invalid_reason_names_the_field_but_not_the_value() -> None:
    ev = ontvangen()
    body = json.loads(encode_body(ev))
    body["regioJongere"] = "Kortrijk-Centrum"
    with pytest.raises(DecodeError) as err:
        decode(json.dumps(body).encode(), ce_headers(ev))
    assert "regioJongere" in err.value.reason and "Kortrijk" not in err.value.reason


def test_unknown_fields_are_refused() -> None:
    ev = ontvangen()
    body = json.loads(encode_body(ev)) | {"naamJongere": "X"}
    with pytest.raises(DecodeError):
        decode(json.dumps(body).encode(), ce_headers(ev))


def test_singleton_aggregate_key() -> None:
    assert IntakeStatusGewijzigd(open=False).key == "intake"


def test_committed_contracts_folder_is_up_to_date() -> None:
    folder = ROOT / "contracts"
    expected = render()
    actual = {p.name: p.read_text() for p in folder.glob("*.json")}
    assert set(actual) == set(expected), "run `make contracts`"
    for name, content in expected.items():
        assert actual[name] == content, f"{name} is stale: run `make contracts`"
    api = json.loads(expected["asyncapi.json"])
    assert set(api["channels"]) == set(topics.EVENT_TOPICS)
