"""Bijlage 4 "Opbouw samenwerkingsoverleg" as data (domain guide §7; [001] §7.4).

The Dutch texts are verbatim from the seed (line breaks aside; the seed's curly apostrophe is kept in E5f
and E7a). The mapping keys onto the event model are INFERRED (§7):

* ``signaal``: the answer is a candidate signal of these soorten (the first listed default is overridden by
  ``signaal_standaard`` where set; E5a defaults to DREMPEL, the planmaker may tag GOEDE_PRAKTIJK);
* ``feedback``: the answer is feedback into the partners' own organisations (the UIT movement, §6 step 6);
* ``feeds``: the answer feeds the afronding (E6d3 → AFGEROND);
* ``output``: E7a gives theme proposals for the lerend netwerk, E7b a BRIEF_NAAR_BRUSSEL signal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from jeugdhulp_common.contracts.vocabulary import SignaalSoort

from traject.domain.toestanden import TrajectStatus


class Sectie(StrEnum):
    """The two question lists: at the start (= the startgesprek) and at the end of a traject."""

    START = "start"
    EINDE = "einde"


class AntwoordType(StrEnum):
    """What kind of answer a question takes (§7 ``type``; ``TEKST`` where the spec gives none)."""

    TEKST = "text"
    BLOKKADE_STATUS = "blokkadeStatus"
    ROLLEN = "rollen[]"
    AFSPRAKEN = "afspraken[]"


class Beweging(StrEnum):
    """Direction of the "IN en UIT beweging" (§2.2, §6 step 6)."""

    IN = "IN"
    UIT = "UIT"


class Uitvoer(StrEnum):
    """The §7 ``output`` values of the conclusion questions."""

    THEMA_IDS = "themaIds[]"
    SIGNAAL_BRIEF_NAAR_BRUSSEL = "Signaal(BRIEF_NAAR_BRUSSEL)"


@dataclass(frozen=True)
class Vraag:
    """One question of Bijlage 4, possibly with sub-questions."""

    id: str
    nl: str
    type: AntwoordType = AntwoordType.TEKST
    signaal: tuple[SignaalSoort, ...] = ()
    signaal_standaard: SignaalSoort | None = None
    feedback: Beweging | None = None
    feeds: TrajectStatus | None = None
    output: Uitvoer | None = None
    sub: tuple[Vraag, ...] = ()

    @property
    def kandidaat_soorten(self) -> tuple[SignaalSoort, ...]:
        """The signal soorten an answer to this question may become (empty: it is no candidate signal)."""
        if self.output is Uitvoer.SIGNAAL_BRIEF_NAAR_BRUSSEL:
            return (SignaalSoort.BRIEF_NAAR_BRUSSEL,)
        return self.signaal

    @property
    def standaard_soort(self) -> SignaalSoort | None:
        """The soort an answer gets when the planmaker does not tag one."""
        soorten = self.kandidaat_soorten
        if not soorten:
            return None
        return self.signaal_standaard or soorten[0]

    def doorloop(self) -> Iterator[Vraag]:
        """This question and all its sub-questions, depth first, in the order of the form."""
        yield self
        for s in self.sub:
            yield from s.doorloop()


_S = SignaalSoort

DOEL_START = (
    "Het doel van dit gesprek is om een gezamenlijke basis te leggen voor het traject, waarbij alle betrokken "
    "partijen helderheid krijgen over hun rollen, verwachtingen en de wijze van samenwerking."
)
"""[001] Bijlage 4, "Doel van het Gesprek" of the startgesprek."""

START: tuple[Vraag, ...] = (
    Vraag("S1", "Wie is wie. Kennismaking betrokken partners, wie is verantwoordelijk voor wat.", AntwoordType.ROLLEN),
    Vraag("S2", "Uitleg planmakers."),
    Vraag("S3", "Schets context. Wat zijn doelen, maatschappelijke uitdagingen en verwachtingen?"),
    Vraag("S4", "Verwachtingen van betrokken partners en planmakers."),
    Vraag("S5", "Afspraken opstartfase.", AntwoordType.AFSPRAKEN),
)
"""Opbouw samenwerkingsoverleg bij start, startgesprek."""

EINDE: tuple[Vraag, ...] = (
    Vraag("E1", "Kennismakingsronde en doel samenwerkingsoverleg."),
    Vraag("E2", "Wat was de oorspronkelijke aanmeldingsvraag?"),
    Vraag(
        "E3",
        "Hoe zag de situatie er op dat moment uit? Dreigend te blokkeren of geblokkeerd? (Situatie vroeger)",
        AntwoordType.BLOKKADE_STATUS,
    ),
    Vraag(
        "E4",
        "Hoe ziet de situatie er op dit moment uit? Dreigend te blokkeren of geblokkeerd? (Situatie nu)",
        AntwoordType.BLOKKADE_STATUS,
    ),
    Vraag(
        "E5",
        "Wat heeft gemaakt dat we nu vandaag hier op dit punt zijn gekomen?",
        sub=(
            Vraag(
                "E5a",
                "Wat werd geprobeerd? Wat heeft gewerkt? Wat waren de drempels?",
                signaal=(_S.GOEDE_PRAKTIJK, _S.DREMPEL),
                signaal_standaard=_S.DREMPEL,
            ),
            Vraag(
                "E5b",
                "Welke thema's komen voor jullie naar boven in dit traject?",
                sub=(
                    Vraag("E5b1", "Op vlak van samenwerking?"),
                    Vraag("E5b2", "Relationele continuïteit?"),
                    Vraag("E5b3", "Regie bij jongere? Beantwoorden op vragen van jongere?"),
                    Vraag("E5b4", "Dagbesteding?"),
                ),
            ),
            Vraag("E5c", "Waarop vastgelopen?", signaal=(_S.KNELPUNT,)),
            Vraag("E5d", "Wat had er op dat moment nodig geweest?", signaal=(_S.GROEIMOGELIJKHEID,)),
            Vraag(
                "E5e",
                "Waar kunnen we uit leren voor andere jongeren? Wat zou vanuit dit traject ook een meerwaarde kunnen "
                "zijn naar andere jongeren toe?",
                signaal=(_S.GOEDE_PRAKTIJK,),
            ),
            Vraag(
                "E5f",
                "Wat nemen jullie mee vanuit deze reflecties? Is er de nood om rond deze thema\u2019s verder te werken "
                "binnen jullie organisaties?",
                feedback=Beweging.UIT,
            ),
        ),
    ),
    Vraag(
        "E6",
        "Wat was de rol van de planmaker hierin?",
        sub=(
            Vraag("E6a", "Wat was voor jou de rol van de planmaker?"),
            Vraag("E6b", "Hoe was jouw ervaring met een planmaker?"),
            Vraag("E6c", "Hoe is dat bij jou binnengekomen?"),
            Vraag(
                "E6d",
                "Afspraken rond afronding traject. Verdere rol van de planmaker.",
                sub=(
                    Vraag("E6d1", "Wat verwachten jullie nog van planmaker?"),
                    Vraag("E6d2", "Wanneer voor jullie geslaagd?"),
                    Vraag("E6d3", "Welke afspraken maken we hierrond?", feeds=TrajectStatus.AFGEROND),
                ),
            ),
        ),
    ),
    Vraag(
        "E7",
        "Conclusie",
        sub=(
            Vraag(
                "E7a",
                "Welke thema\u2019s nemen wij zeker mee naar ons lerend netwerk?",
                output=Uitvoer.THEMA_IDS,
            ),
            Vraag(
                "E7b",
                "Wat als we een brief naar Brussel zouden schrijven, wat zou hierin staan?",
                output=Uitvoer.SIGNAAL_BRIEF_NAAR_BRUSSEL,
            ),
        ),
    ),
)
"""Opbouw samenwerkingsoverleg bij einde."""

BIJLAGE_4: Mapping[Sectie, tuple[Vraag, ...]] = MappingProxyType({Sectie.START: START, Sectie.EINDE: EINDE})


def _plat(vragen: tuple[Vraag, ...]) -> Mapping[str, Vraag]:
    return MappingProxyType({v.id: v for top in vragen for v in top.doorloop()})


VRAGEN: Mapping[Sectie, Mapping[str, Vraag]] = MappingProxyType({s: _plat(v) for s, v in BIJLAGE_4.items()})
"""Every question (parents and sub-questions alike) by id, per section."""
