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


def dead_letter_topic(consumer_group: str) -> str:
    """Each consuming service has its own dead-letter topic."""
    return f"jeugdhulp.{consumer_group}.dlt"
