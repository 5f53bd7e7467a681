"""The theme catalogue of §6.1 as seed data (plain, immutable rows) and a builder of restored Thema aggregates.

Theme ids are uuid5 of the name in a fixed namespace, so every service, seed script and test gets the same id.
Statuses are INFERRED from the section headings of §6.1:

* the two themes with a lerend netwerk held in 2024 (Bijlagen 5–8): LN_GEHOUDEN, with their subthemes, the
  state just before the forum of 22/11/2024 (see :mod:`signalering.domain.forum_2024` to enter that forum);
* the backlog themes [001: "ANDERE THEMA’S WAARVOOR NOG GEEN LEREND NETWERK WERD GEORGANISEERD"]: BACKLOG;
* the themes proposed by LN participants [001: "Thema’s voor een volgende keer:"]: GESIGNALEERD.

No traject counts are seeded: the seeds give none ("kwamen meermaals aan bod" only).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from jeugdhulp_common.contracts.vocabulary import ThemaStatus

from signalering.domain.thema import Thema

THEMA_NAMESPACE = uuid.UUID("0b6f8a3e-5d2c-4f7a-8e19-3c4d5e6f7a81")


def catalogus_thema_id(naam: str) -> uuid.UUID:
    """The stable id of a catalogue theme (uuid5 of its name)."""
    return uuid.uuid5(THEMA_NAMESPACE, naam)


@dataclass(frozen=True)
class CatalogusThema:
    naam: str
    status: ThemaStatus
    subthemas: tuple[str, ...] = ()
    bron: str = "[001]"

    @property
    def thema_id(self) -> uuid.UUID:
        return catalogus_thema_id(self.naam)


CONTEXTBEGELEIDING = CatalogusThema(
    naam="Contextbegeleiding / werken met-in de context",
    status=ThemaStatus.LN_GEHOUDEN,
    subthemas=(
        "Contextbegeleiding in gedeelde zorg",
        "De ideale contextbegeleider",
        "Op maat van jongere en gezin",
        "Nood aan gezinsaanpak",
        "Drempels",
    ),
    bron="[001] Bijlage 5, 7",
)

TRAUMASENSITIEF_HANDELEN = CatalogusThema(
    naam="Traumasensitief handelen",
    status=ThemaStatus.LN_GEHOUDEN,
    subthemas=(
        "Begrip en nuance",
        "Impact plaatsing / psychische veiligheid",
        "Ruimte voor traumasensitief handelen",
        "Belang van vorming en preventie",
        "Intersectoraal samenwerken",
    ),
    bron="[001] Bijlage 6, 8",
)

THEMAS_MET_LN_2024: tuple[CatalogusThema, ...] = (CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN)

BACKLOG_THEMAS: tuple[CatalogusThema, ...] = tuple(
    CatalogusThema(naam, ThemaStatus.BACKLOG)
    for naam in (
        "Coördinatie en continuïteit van zorg",
        "Daginvulling en impact van school",
        "Beeldvorming: diagnostiek, label",
        "Zorg op maat en op tijd",
    )
)

VOORGESTELDE_THEMAS: tuple[CatalogusThema, ...] = tuple(
    CatalogusThema(naam, ThemaStatus.GESIGNALEERD, bron="[001] Bijlage 5")
    for naam in (
        "Trauma sensitief werken en emotionele ontwikkeling",
        "Dagbesteding + onderwijs",
        "Cultuursensitief opvoeden",
        "Coördinatie van de zorg",
        "Weg vinden naar de juiste zorg",
    )
)

CATALOGUS: tuple[CatalogusThema, ...] = THEMAS_MET_LN_2024 + BACKLOG_THEMAS + VOORGESTELDE_THEMAS

PLANTREKKERS_THEMAS: tuple[str, ...] = (
    "atelierwerking",
    "zinplekken",
    "traumasensitief werken",
    "welzijn–onderwijs",
    "wachtlijsten",
)
"""Themes of the sister project Plantrekkers [003]: reference only, not seeded."""


def thema_uit_catalogus(rij: CatalogusThema) -> Thema:
    """A restored Thema for a catalogue row (no events: seeding is not a domain fact)."""
    return Thema(thema_id=rij.thema_id, naam=rij.naam, status=rij.status, subthemas=list(rij.subthemas))


def seed_themas() -> list[Thema]:
    """All catalogue themes as restored aggregates, in catalogue order."""
    return [thema_uit_catalogus(r) for r in CATALOGUS]
