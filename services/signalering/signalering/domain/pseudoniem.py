"""Salted hashes that stand in for micro identifiers at meso and macro level (§9 rule 3).

"No trajectId on meso or macro topics. Only a salted hash, whose salt stays inside signalering."
The salt is passed in as an argument (from the service's secret configuration); it is never stored in an
aggregate, never put in an event, and never shown in a repr.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

MIN_SALT_BYTES = 16  # INFERRED: 128 bits, so refs cannot be brute-forced from known traject ids


def _controleer(salt: bytes) -> bytes:
    if not isinstance(salt, (bytes, bytearray)):
        raise TypeError("salt must be bytes")
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"salt must be at least {MIN_SALT_BYTES} bytes")
    return bytes(salt)


def traject_ref(traject_id: uuid.UUID, salt: bytes) -> str:
    """``traject_ref`` = HMAC-SHA256(salt, str(traject_id)) as 64 lower-case hex digits (§4.4, §9 rule 3).

    Deterministic for one salt, so it counts distinct trajecten (§5.4) without revealing which ones.
    """
    return hmac.new(_controleer(salt), str(traject_id).encode(), hashlib.sha256).hexdigest()


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def bron_ref(soort: str, id_: uuid.UUID, salt: bytes) -> str:
    """The report read model's ref of a micro id (an aanmelding or a traject): :func:`traject_ref` of
    ``uuid5(NAMESPACE_URL, "jeugdhulp:<soort>:<id>")``, so the kinds never collide. The uuid5's text is formed straight
    from its SHA-1 digest, as :func:`uuid.uuid5` forms it (version 5, RFC 4122 variant), without the UUID object: a
    rebuild computes one or two per record."""
    digest = bytearray(hashlib.sha1(_URL_NAMESPACE + f"jeugdhulp:{soort}:{id_}".encode()).digest()[:16])  # noqa: S324 - uuid5 is SHA-1
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return hmac.new(_controleer(salt), f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}".encode(), hashlib.sha256).hexdigest()


def afgeleide_id(salt: bytes, soort: str, *delen: str) -> uuid.UUID:
    """A deterministic UUID derived from micro identifiers, keyed with the salt.

    Used for the ids of signals made from a samenwerkingsoverleg: a redelivered Kafka message gives the same
    ids (idempotent consumption), while a partner who knows the micro ``overleg_id`` cannot compute the released
    ``signaal_id`` and so cannot link it back to the traject (INFERRED; plain uuid5 would allow that).
    """
    bericht = "\x1f".join((soort, *delen)).encode()
    digest = hmac.new(_controleer(salt), bericht, hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def signaal_ref(signaal_id: uuid.UUID, salt: bytes) -> str:
    """The reference a released signal carries when it is not yet linked to a theme: keyed per signal, so meso
    readers cannot group signals by traject at all."""
    return hmac.new(_controleer(salt), f"signaal\x1f{signaal_id}".encode(), hashlib.sha256).hexdigest()


def thema_traject_ref(traject_sleutel: str, thema_id: uuid.UUID) -> str:
    """The traject's reference within ONE theme: HMAC keyed with the traject's internal key (itself
    HMAC-SHA256(salt, traject id), never published). Distinct per theme, so signalering counts distinct trajecten
    per theme, while the refs of one traject in two themes cannot be linked (§9 rule 3, INFERRED)."""
    return hmac.new(bytes.fromhex(traject_sleutel), f"thema\x1f{thema_id}".encode(), hashlib.sha256).hexdigest()
