"""The one list of Kafka topics (pattern ``jeugdhulp.<context>.<level>``, domain guide §10).

All events of one aggregate go to one topic, keyed by the aggregate id, so Kafka keeps them in order.
Micro topics carry personal (P) or pseudonymous (Ps) data and are for partner-scoped, ACL-protected
consumers; meso and macro topics carry anonymous (A) data only.
"""

from __future__ import annotations

AANMELDING_MICRO = "jeugdhulp.aanmelding.micro"
"""Aanmelding life cycle (P/Ps): traject, ACT, the referring partner."""

AANMELDING_MESO = "jeugdhulp.aanmelding.meso"
"""Network-level intake information (A): whether intake is open."""

TRAJECT_MICRO = "jeugdhulp.traject.micro"
"""Traject life cycle, blokkade changes, DIW-fonds (Ps): ACT, partners in the traject, signalering (counts)."""

TRAJECT_MICRO_INTERN = "jeugdhulp.traject.micro-intern"
"""Internal micro data (P): samenwerkingsoverleg answers for de-identification in signalering only."""

SIGNALERING_MESO = "jeugdhulp.signalering.meso"
"""Released signals, themes, lerend netwerk sessions, feedback (A)."""

SIGNALERING_MACRO = "jeugdhulp.signalering.macro"
"""Forum, discussietafels, actiepunten, beleidsaanbevelingen (A)."""

EVENT_TOPICS = (
    AANMELDING_MICRO,
    AANMELDING_MESO,
    TRAJECT_MICRO,
    TRAJECT_MICRO_INTERN,
    SIGNALERING_MESO,
    SIGNALERING_MACRO,
)

MESO_MACRO_TOPICS = (AANMELDING_MESO, SIGNALERING_MESO, SIGNALERING_MACRO)


TOPIC_OWNER: dict[str, str] = {
    AANMELDING_MICRO: "aanmelding",
    AANMELDING_MESO: "aanmelding",
    TRAJECT_MICRO: "traject",
    TRAJECT_MICRO_INTERN: "traject",
    SIGNALERING_MESO: "signalering",
    SIGNALERING_MACRO: "signalering",
}
"""The one service that may write each topic (its broker ACL, and the provenance check of every consumer)."""

SERVICE_READS: dict[str, tuple[str, ...]] = {
    "aanmelding": (),
    "traject": (AANMELDING_MICRO,),
    "signalering": (AANMELDING_MICRO, TRAJECT_MICRO, TRAJECT_MICRO_INTERN),
    # The webhook dispatcher: every public topic, never micro-intern, never a dead-letter topic.
    "webhooks": (AANMELDING_MICRO, AANMELDING_MESO, TRAJECT_MICRO, SIGNALERING_MESO, SIGNALERING_MACRO),
}
"""The topics each service's handlers consume, and so the only topics its principal may read (a test keeps
this equal to the handlers)."""

INTERNAL_TOPICS = (TRAJECT_MICRO_INTERN,)
"""Never granted to a subscriber: for signalering's de-identification only."""

SUBSCRIBER_PRESETS: dict[str, tuple[str, ...]] = {
    # Jeugdhulpregie: aanmelding and start, blokkade changes, extension, regie handover, closure, DIW requests.
    "act": (AANMELDING_MICRO, TRAJECT_MICRO),
}


def dead_letter_topic(consumer_group: str) -> str:
    """Each consuming service has its own dead-letter topic."""
    return f"jeugdhulp.{consumer_group}.dlt"


def is_dead_letter_topic(topic: str) -> bool:
    return topic.startswith("jeugdhulp.") and topic.endswith(".dlt")


def owned_topics(service: str) -> list[str]:
    """The topics a service writes: its event topics and its own dead-letter topic."""
    return sorted(t for t, owner in TOPIC_OWNER.items() if owner == service) + [dead_letter_topic(service)]


def topic_configs(
    names: list[str] | tuple[str, ...], *, dlt_retention_hours: float, max_message_bytes: int | None = None
) -> dict[str, dict[str, str]]:
    """The configuration set explicitly on each topic: the largest record it takes (``JH_TOPIC_MAX_MESSAGE_BYTES``,
    which the outbox also checks when an event is staged) and, on dead-letter topics, which hold micro data, a
    retention of ``JH_DLT_RETENTION_HOURS`` (never the broker's default)."""
    out: dict[str, dict[str, str]] = {}
    for t in names:
        cfg = {"max.message.bytes": str(max_message_bytes)} if max_message_bytes else {}
        if is_dead_letter_topic(t):
            cfg["retention.ms"] = str(int(dlt_retention_hours * 3600 * 1000))
        if cfg:
            out[t] = cfg
    return out
