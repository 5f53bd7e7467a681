"""Enumerations of the signalering domain that are not (yet) in the shared contract vocabulary.

The shared ones (SignaalSoort, ThemaStatus, ActiepuntStatus, ActiepuntAdresNiveau, AanbevelingNiveau, Niveau,
Sector, OverlegSoort) live in :mod:`jeugdhulp_common.contracts.vocabulary`.
"""

from __future__ import annotations

from enum import StrEnum

from jeugdhulp_common.contracts.vocabulary import Niveau, OverlegSoort


class SignaalStatus(StrEnum):
    """Life cycle of a Signaal (§4.4, INFERRED): CONCEPT → VRIJGEGEVEN → GEKOPPELD."""

    CONCEPT = "CONCEPT"
    VRIJGEGEVEN = "VRIJGEGEVEN"
    GEKOPPELD = "GEKOPPELD"


class SessieStatus(StrEnum):
    """Life cycle of a LerendNetwerkSessie (§4.5; INFERRED): GEPLAND → GEHOUDEN | GEANNULEERD."""

    GEPLAND = "GEPLAND"
    GEHOUDEN = "GEHOUDEN"
    GEANNULEERD = "GEANNULEERD"


class PostItVraag(StrEnum):
    """The three questions of the post-it round of a lerend netwerk (§4.5, [001] Bijlage 6)."""

    WAT_IS_ER = "WAT_IS_ER"
    WAT_WERKT_ER = "WAT_WERKT_ER"
    IDEALE_WERELD = "IDEALE_WERELD"

    @property
    def tekst(self) -> str:
        """The question as printed in the seed."""
        return _POST_IT_TEKST[self]

    @classmethod
    def van_tekst(cls, tekst: str) -> PostItVraag:
        """Parse the seed's wording (``"Wat is er?"`` …); raises ValueError for anything else."""
        for vraag, t in _POST_IT_TEKST.items():
            if t.casefold() == tekst.strip().casefold():
                return vraag
        raise ValueError("not one of the three post-it questions")


_POST_IT_TEKST = {
    PostItVraag.WAT_IS_ER: "Wat is er?",
    PostItVraag.WAT_WERKT_ER: "Wat werkt er?",
    PostItVraag.IDEALE_WERELD: "Wat in een ideale wereld?",
}


class ForumVorm(StrEnum):
    """A netwerkforum is held in person or digitally (§4.6; [003: "Tijdens dit digitale netwerkforum"])."""

    FYSIEK = "FYSIEK"
    DIGITAAL = "DIGITAAL"


class TafelStatus(StrEnum):
    """Life cycle of a Discussietafel (§4.6; INFERRED): OPEN → AFGEROND."""

    OPEN = "OPEN"
    AFGEROND = "AFGEROND"


class AanbevelingStatus(StrEnum):
    """Status of a Beleidsaanbeveling (§4.7 names a status without values; INFERRED)."""

    GEFORMULEERD = "GEFORMULEERD"
    TERUGGEKOPPELD = "TERUGGEKOPPELD"


_NIVEAU_VAN_OVERLEG: dict[OverlegSoort, Niveau] = {
    OverlegSoort.STARTGESPREK: Niveau.MICRO,
    OverlegSoort.RONDE_TAFEL: Niveau.MICRO,
    OverlegSoort.INTERVISIE: Niveau.MICRO,
    OverlegSoort.TEAMVERGADERING: Niveau.MICRO,
    OverlegSoort.SAMENWERKINGSOVERLEG_DIW: Niveau.MICRO,
    OverlegSoort.SAMENWERKINGSOVERLEG_EINDE: Niveau.MESO,  # "meso (boundary)", §4.3 and §11.4
    OverlegSoort.SECTORGEBONDEN_BESPREKING: Niveau.MESO,
    OverlegSoort.LEREND_NETWERK: Niveau.MESO,
    OverlegSoort.NETWERKFORUM: Niveau.MACRO,
    OverlegSoort.KERN_STUURGROEP: Niveau.MACRO,  # "governance" in §4.3; INFERRED as macro
}


def niveau_van_overleg(soort: OverlegSoort) -> Niveau:
    """The level of a meeting kind (table of §4.3)."""
    return _NIVEAU_VAN_OVERLEG[soort]
