"""The duplicate rule: a second open aanmelding for the same jongere is flagged for the team, never merged.

INFERRED (the seeds say nothing about duplicates): with one pseudonymous ``jongere_ref`` per young person
(§9), two aanmeldingen that are both still open (not OPGESTART / NIET_OPGESTART, §5.1) probably concern one
referral sent twice, or two partners referring the same young person. The team decides; the domain only flags.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Protocol

from aanmelding.domain.toestanden import AanmeldingStatus


class AanmeldingSamenvatting(Protocol):
    """What the rule needs of an existing aanmelding: an :class:`Aanmelding` or a light row from storage."""

    @property
    def aanmelding_id(self) -> uuid.UUID: ...

    @property
    def jongere_ref(self) -> str: ...

    @property
    def status(self) -> str: ...  # an AanmeldingStatus or its stored code


def open_aanmeldingen_voor(
    jongere_ref: str, bestaande: Iterable[AanmeldingSamenvatting], *, behalve: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Ids of the *open* aanmeldingen among ``bestaande`` for ``jongere_ref`` (excluding ``behalve``, the new one)."""
    return [
        a.aanmelding_id
        for a in bestaande
        if a.jongere_ref == jongere_ref and a.aanmelding_id != behalve and AanmeldingStatus(a.status).is_open
    ]


def is_mogelijk_dubbel(
    jongere_ref: str, bestaande: Iterable[AanmeldingSamenvatting], *, behalve: uuid.UUID | None = None
) -> bool:
    """Whether a new aanmelding for ``jongere_ref`` must be flagged as a possible duplicate: another open one exists."""
    return bool(open_aanmeldingen_voor(jongere_ref, bestaande, behalve=behalve))
