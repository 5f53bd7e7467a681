"""Event contracts: the base model, the registry, and the Kafka (CloudEvents binary mode) codec.

Every event that crosses a service boundary is a subclass of :class:`Event`, declared with
:func:`event`, which fixes its CloudEvents ``type``, its schema version, its topic, its privacy
class (domain guide §10) and the field that holds the aggregate id (the Kafka key and the
CloudEvents ``subject``).

On the wire (CloudEvents 1.0 Kafka protocol binding, binary content mode):

* key: the aggregate id, UTF-8;
* value: the event as JSON (camelCase field names);
* headers: ``ce_id``, ``ce_source``, ``ce_type``, ``ce_specversion``, ``ce_time``, ``ce_subject``,
  ``ce_schemaversion`` and ``ce_privacyclass`` (extension attributes), ``content-type``, and the
  W3C trace context (``traceparent``/``tracestate``) added by the relay.

This module does no I/O; domain code may import it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
TYPE_PREFIX = "be.jeugdhulp"


@dataclass(frozen=True)
class Tekstsoort:
    """What a ``str`` field of an anonymous (class A) event holds, and so which check covers it. Every str field
    of a class-A event must carry one (a contract test walks them): free text never bypasses the gate.

    * ``GATED``: free text written by people; signalering's de-identification gate refuses it while it finds any
      personal data (``signalering.domain._basis.geen_persoonsgegevens``, ``Signaal.vrijgeven``).
    * ``ORGANISATIE``: the name of a participating organisation (never a family's); refused with contact data.
    * ``VERWIJZING``: built by code, never typed: a keyed hash, a ``kind:<uuid>`` reference, a fixed key.
    """

    soort: Literal["GATED", "ORGANISATIE", "VERWIJZING"]


GatedText = Annotated[str, Tekstsoort("GATED")]
OrganisatieNaam = Annotated[str, Tekstsoort("ORGANISATIE")]
Verwijzing = Annotated[str, Tekstsoort("VERWIJZING")]


@dataclass(frozen=True)
class Telling:
    """Marks a count in an anonymous (class A) event: it is made with
    :func:`jeugdhulp_common.suppression.suppress_count`, so a count from 1 to the configured minimum − 1 is
    ``None`` (suppressed) and 0 stays 0. A contract test walks every int field of a class-A event: it is such a
    count, or listed there as no count (a year, a percentage)."""


SuppressedCount = Annotated[int | None, Field(ge=0), Telling()]


class PrivacyClass(StrEnum):
    """Privacy classes of domain guide §10."""

    P = "P"  # partner-scoped personal data (micro)
    PS = "Ps"  # pseudonymous: ids and codes only
    A = "A"  # anonymous (meso/macro)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Contract(BaseModel):
    """Base of every model that is part of an event body: frozen, strict about unknown fields, camelCase on the wire."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        ser_json_timedelta="iso8601",
    )


class Event(Contract):
    """Base of all events. Subclasses are declared with :func:`event`."""

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: dt.datetime = Field(default_factory=utcnow)

    # Set by @event on each concrete subclass.
    event_type: ClassVar[str]
    schema_version: ClassVar[int]
    topic: ClassVar[str]
    privacy: ClassVar[PrivacyClass]
    key_field: ClassVar[str]
    producer: ClassVar[str]
    # Which request field each (camelCase) body field comes from, where the names differ: a refusal of the
    # event (e.g. too large for the broker) then names the field the caller sent.
    request_fields: ClassVar[dict[str, str]] = {}

    @property
    def key(self) -> str:
        return str(getattr(self, self.key_field))


E = TypeVar("E", bound=type[Event])


@dataclass(frozen=True)
class Registration:
    cls: type[Event]
    event_type: str
    schema_version: int
    topic: str


class Registry:
    """The one registry of event types: (CloudEvents type, schema version) -> model class."""

    def __init__(self) -> None:
        self._by_type: dict[tuple[str, int], type[Event]] = {}

    def register(self, cls: type[Event]) -> None:
        k = (cls.event_type, cls.schema_version)
        if k in self._by_type and self._by_type[k] is not cls:
            raise ValueError(f"event type {k} registered twice")
        self._by_type[k] = cls

    def get(self, event_type: str, schema_version: int) -> type[Event] | None:
        return self._by_type.get((event_type, schema_version))

    def all(self) -> list[type[Event]]:
        return sorted(self._by_type.values(), key=lambda c: (c.topic, c.event_type, c.schema_version))

    def topics(self) -> list[str]:
        return sorted({c.topic for c in self._by_type.values()})

    def on_topic(self, topic: str) -> list[type[Event]]:
        return [c for c in self.all() if c.topic == topic]


REGISTRY = Registry()


def event(
    *, topic: str, producer: str, privacy: PrivacyClass, key: str, version: int = 1, name: str | None = None
) -> Callable[[E], E]:
    """Declare an event contract. The CloudEvents type is ``be.jeugdhulp.<producer>.<ClassName>``; an older
    version kept for reading is a class of its own (e.g. ``IntakeStatusGewijzigdV1``) declared with the event's
    ``name`` and its ``version``."""

    def decorate(cls: E) -> E:
        if key not in cls.model_fields:
            raise TypeError(f"{cls.__name__}: key field {key!r} is not a field")
        cls.event_type = f"{TYPE_PREFIX}.{producer}.{name or cls.__name__}"
        cls.schema_version = version
        cls.topic = topic
        cls.privacy = privacy
        cls.key_field = key
        cls.producer = producer
        REGISTRY.register(cls)
        return cls

    return decorate


# --------------------------------------------------------------------------- wire format

Headers = list[tuple[str, bytes]]


def source_of(producer: str) -> str:
    return f"/jeugdhulp/{producer}"


def ce_headers(ev: Event) -> dict[str, str]:
    """The CloudEvents attributes of an event, as Kafka header names -> string values."""
    return {
        "ce_specversion": SPECVERSION,
        "ce_id": str(ev.event_id),
        "ce_source": source_of(ev.producer),
        "ce_type": ev.event_type,
        "ce_time": ev.occurred_at.isoformat(),
        "ce_subject": ev.key,
        "ce_schemaversion": str(ev.schema_version),
        "ce_privacyclass": ev.privacy.value,
        "content-type": CONTENT_TYPE,
    }


def encode_body(ev: Event) -> bytes:
    return ev.model_dump_json(by_alias=True).encode()


class DecodeError(Exception):
    """The message cannot become an event: it is poison, whatever the number of retries.

    ``reason`` is safe to log and to put in a dead-letter header: it never contains field values.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def headers_dict(headers: Iterable[tuple[str, bytes | None]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in headers or ():
        if v is None:
            continue
        try:
            out[k] = v.decode()
        except UnicodeDecodeError:
            continue
    return out


def safe_validation_summary(err: ValidationError) -> str:
    """A validation error without the offending values (they may be personal data)."""
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['type']}" for e in err.errors(include_input=False, include_url=False)]
    return "; ".join(parts)[:1000]


def decode(value: bytes | None, headers: Mapping[str, str], registry: Registry = REGISTRY, *, topic: str | None = None) -> Event:
    """Turn a Kafka record (value + decoded headers) into its event model, or raise :class:`DecodeError`.

    With ``topic`` (every consumer passes the record's topic) the event's provenance is checked too: its type
    must be registered for that topic and its CloudEvents ``source`` must be the type's producer, the one
    service that owns the topic. Anything else is refused, whatever its body says.
    """
    if headers.get("ce_specversion") != SPECVERSION:
        raise DecodeError("missing or unsupported ce_specversion header")
    event_type = headers.get("ce_type")
    try:
        version = int(headers.get("ce_schemaversion", ""))
    except ValueError:
        raise DecodeError("missing or invalid ce_schemaversion header") from None
    cls = registry.get(event_type or "", version)
    if cls is None:
        raise DecodeError(f"unknown event type {event_type!r} version {version}")
    if topic is not None:
        if cls.topic != topic:
            raise DecodeError(f"provenance: {event_type} does not belong on topic {topic}")
        if headers.get("ce_source") != source_of(cls.producer):
            raise DecodeError(f"provenance: ce_source {headers.get('ce_source', '')[:100]!r} is not {source_of(cls.producer)!r}, the producer of {event_type}")
    if value is None:
        raise DecodeError("empty message value")
    try:
        ev = cls.model_validate_json(value)
    except ValidationError as e:
        raise DecodeError(f"schema-invalid {event_type} v{version}: {safe_validation_summary(e)}") from None
    if str(ev.event_id) != headers.get("ce_id"):
        raise DecodeError("ce_id header does not match the body's eventId")
    return ev
