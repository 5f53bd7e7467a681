"""Fixture: the netwerkforum of 22 November 2024 (§6.1, §8; [001] Bijlagen 7–8) as plain data, and a pure
function that enters it through the domain model (which validates it).

Facts from the seeds: the date, the attendance (33 organisations, 57 persons; the number in brackets read as a
headcount, INFERRED in §8), 2 tables on contextbegeleiding and 3 on traumasensitief handelen, the subthemes and
their prioritering (from pie charts; the label mapping is to be verified against the original, §6.1/§11.8), and
the action-point texts. INFERRED here, and marked so in the data:

* ``vorm`` FYSIEK (the attendance list suggests an in-person event);
* the seed reports per *theme*, not per table: every table of a theme discusses all of the theme's bevindingen,
  and the theme's prioritering, actiepunten and doelstelling are recorded at its first table;
* the addressee level and the owner of each actiepunt (only DIW and WINGG are named by the seed);
* the mapping of the three bullets of the seed's "Doelstelling (Wat, Wie, Hoe)" onto wat, wie and hoe.

The data is JSON-like (str, int, list, dict) so API tests can post it as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TypedDict

from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, Sector
from jeugdhulp_common.events import Event

from signalering.domain.catalogus import CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN, thema_uit_catalogus
from signalering.domain.forum import Actiepunt, Discussietafel, Doelstelling, Forum, ForumDeelnemer
from signalering.domain.lerend_netwerk import Bevinding
from signalering.domain.thema import Thema
from signalering.domain.vocabulaire import ForumVorm


class DeelnemerRij(TypedDict):
    organisatie: str
    sector: str
    aantal: int


class ActiepuntRij(TypedDict):
    tekst: str
    bevinding: str  # the subtheme
    adres_niveau: str  # INFERRED
    eigenaar: str  # INFERRED


class DoelstellingRij(TypedDict):
    wat: str
    wie: str
    hoe: str


class ThemaOpForumRij(TypedDict):
    thema: str
    aantal_tafels: int
    prioritering: dict[str, int]
    actiepunten: list[ActiepuntRij]
    doelstelling: DoelstellingRij | None


class ForumRij(TypedDict):
    datum: str
    vorm: str
    deelnemers: list[DeelnemerRij]
    themas: list[ThemaOpForumRij]


def _d(organisatie: str, sector: str, aantal: int = 1) -> DeelnemerRij:
    return {"organisatie": organisatie, "sector": sector, "aantal": aantal}


# [001: "Aanwezige partners netwerkforum Co-ncept 22 november 2024"]; sector "GEEN" = no sector in the seed.
DEELNEMERS_2024: list[DeelnemerRij] = [
    _d("VZW De Patio", "BJB", 5),
    _d("De Brem/De Bolle", "BJB", 2),
    _d("OOOC De Luwte", "BJB"),
    _d("OOOC De Wijzer", "BJB"),
    _d("Jeugdhulp Zonnewende", "BJB"),
    _d("Vereniging Ons Tehuis", "BJB", 2),
    _d("VZW aPart", "BJB"),
    _d("VZW Homaar", "BJB"),
    _d("VZW Xplo", "BJB", 2),
    _d("De Vleugels", "VAPH"),
    _d("Dienst Ondersteuningsplan", "VAPH", 2),
    _d("INOA", "VAPH"),
    _d("Inspirant aan Zee", "VAPH", 2),
    _d("Kastor Pollux Rumbeke", "VAPH"),
    _d("Tordale", "VAPH"),
    _d("VZW Victor", "VAPH", 2),
    _d("1G1P Aanzet", "RTH", 2),
    _d("CAW Centraal W-VL", "RTH", 4),
    _d("CLB Trikant", "RTH"),
    _d("CLB Westhoek-houtland", "RTH", 3),
    _d("VOC Opstap", "RTH", 2),
    _d("Hulpprogramma JO-OW", "NRTH"),
    _d("WINGG", "GGZ", 3),
    _d("ELZ houtland & Polder", "ELZ"),
    _d("ELZ midden WVL", "ELZ", 2),
    _d("ELZ RITS", "ELZ"),
    _d("ELZ Westkust & Polder", "ELZ"),
    _d("ACT W-VL", "GEEN", 4),
    _d("Opgroeien", "GEEN", 2),
    _d("DVV Westhoek", "GEEN"),
    _d("OSD", "GEEN"),
    _d("SDJ Brugge", "GEEN"),
    _d("SDJ Kortrijk", "GEEN"),
]

_STUURGROEP = "Stuurgroep Co-ncept"  # INFERRED owner of policy-level points
_VOORZIENINGEN = "Voorzieningen lerend netwerk"  # INFERRED owner of organisation-level points

CONTEXTBEGELEIDING_2024: ThemaOpForumRij = {
    "thema": CONTEXTBEGELEIDING.naam,
    "aantal_tafels": 2,  # [001: "(Twee discussietafels)"]
    "prioritering": {
        "Contextbegeleiding in gedeelde zorg": 8,
        "De ideale contextbegeleider": 8,
        "Op maat van jongere en gezin": 28,
        "Nood aan gezinsaanpak": 25,
        "Drempels": 31,
    },
    "actiepunten": [
        {"tekst": "Weg van “ticket-denken”", "bevinding": "Op maat van jongere en gezin",
         "adres_niveau": "BELEIDSMAKERS", "eigenaar": _STUURGROEP},
        {"tekst": "Eén structuur die VAPH en opgroeien onderbrengt.", "bevinding": "Op maat van jongere en gezin",
         "adres_niveau": "BELEIDSMAKERS", "eigenaar": _STUURGROEP},
        {"tekst": "Contextbegeleider naast verblijf evident maken", "bevinding": "Contextbegeleiding in gedeelde zorg",
         "adres_niveau": "INDIVIDUELE_ORGANISATIES", "eigenaar": _VOORZIENINGEN},
    ],
    "doelstelling": None,
}  # fmt: skip

TRAUMASENSITIEF_2024: ThemaOpForumRij = {
    "thema": TRAUMASENSITIEF_HANDELEN.naam,
    "aantal_tafels": 3,  # [001: "(Drie discussietafels)"]
    "prioritering": {
        "Begrip en nuance": 3,
        "Impact plaatsing / psychische veiligheid": 23,
        "Ruimte voor traumasensitief handelen": 27,
        "Belang van vorming en preventie": 19,
        "Intersectoraal samenwerken": 28,
    },
    "actiepunten": [
        {"tekst": "Trauma-scan?", "bevinding": "Ruimte voor traumasensitief handelen",
         "adres_niveau": "INDIVIDUELE_ORGANISATIES", "eigenaar": _VOORZIENINGEN},
        {"tekst": "Moeten we naar een coachende overheid?", "bevinding": "Ruimte voor traumasensitief handelen",
         "adres_niveau": "BELEIDSMAKERS", "eigenaar": _STUURGROEP},
        {"tekst": "Implementatieplan opmaken per organisatie.", "bevinding": "Ruimte voor traumasensitief handelen",
         "adres_niveau": "INDIVIDUELE_ORGANISATIES", "eigenaar": _VOORZIENINGEN},
        {"tekst": "Reflecteren onder/met begeleiders (iedereen maakt trauma’s mee).",
         "bevinding": "Ruimte voor traumasensitief handelen", "adres_niveau": "BEGELEIDERS",
         "eigenaar": "Begeleiders partnerorganisaties"},
        # [001: "DIW kan dit verder faciliteren"]
        {"tekst": "Wisselwerking tussen eigen voorziening, andere voorzieningen en overheid",
         "bevinding": "Intersectoraal samenwerken", "adres_niveau": "NETWERK_DIW", "eigenaar": "DIW"},
        # [001: "WINGG heeft hierin opdracht binnen cluster DEEP"]
        {"tekst": "Expertise laten samenkomen over/binnen sectoren (niet elk op een eiland warm water uitvinden)",
         "bevinding": "Intersectoraal samenwerken", "adres_niveau": "NETWERKEN", "eigenaar": "WINGG"},
    ],
    "doelstelling": {
        "wat": "Versnipperd landschap helder maken.",
        "wie": "Wie houdt dit vast? Vlaams? Federaal? Zou een intersectoraal samenwerkingsverband moeten zijn.",
        "hoe": "Intersectoraal samenwerken = Te gefragmenteerd: Nood aan een gelaagd zorgmodel",
    },
}  # fmt: skip

FORUM_2024: ForumRij = {
    "datum": "2024-11-22",  # [001: "Aanwezige partners netwerkforum Co-ncept 22 november 2024"]
    "vorm": "FYSIEK",  # INFERRED
    "deelnemers": DEELNEMERS_2024,
    "themas": [CONTEXTBEGELEIDING_2024, TRAUMASENSITIEF_2024],
}

FIXTURE_NAMESPACE = uuid.UUID("3a7e9d21-8c4b-4e6f-a1d2-5b9c0e7f4a63")


def fixture_id(*delen: object) -> uuid.UUID:
    """Stable ids for the fixture (uuid5), e.g. ``fixture_id("forum", "2024-11-22")``."""
    return uuid.uuid5(FIXTURE_NAMESPACE, ":".join(str(d) for d in delen))


@dataclass
class IngevoerdForum:
    """The aggregates produced by entering the fixture (with their pending events)."""

    forum: Forum
    themas: dict[str, Thema]
    tafels: list[Discussietafel]
    actiepunten: list[Actiepunt] = field(default_factory=list)

    def events(self) -> list[Event]:
        """All pending events, themes first, then tables, then actiepunten."""
        return [
            e
            for agg in (*self.themas.values(), *self.tafels, *self.actiepunten)
            for e in agg.events
        ]


def voer_forum_in(data: ForumRij, *, nu: dt.datetime) -> IngevoerdForum:
    """Enter a forum given as plain data through the domain model: the catalogue themes (LN_GEHOUDEN) go
    OP_FORUM, the tables open with one bevinding per subtheme, the first table of each theme gets the
    prioritering, doelstelling and actiepunten, and all tables are closed. Raises the domain errors if the data
    breaks a rule (e.g. a prioritering that does not sum to 100)."""
    datum = dt.date.fromisoformat(data["datum"])
    forum = Forum.plan(
        fixture_id("forum", data["datum"]),
        datum,
        ForumVorm(data["vorm"]),
        [ForumDeelnemer(d["organisatie"], Sector(d["sector"]), d["aantal"]) for d in data["deelnemers"]],
    )
    catalogus = {r.naam: r for r in (CONTEXTBEGELEIDING, TRAUMASENSITIEF_HANDELEN)}
    ingevoerd = IngevoerdForum(forum=forum, themas={}, tafels=[])
    for rij in data["themas"]:
        thema = thema_uit_catalogus(catalogus[rij["thema"]])
        ingevoerd.themas[thema.naam] = thema
        bevindingen = [Bevinding.uit_subthema(thema.thema_id, s) for s in thema.subthemas]
        for nr in range(1, rij["aantal_tafels"] + 1):
            tafel = Discussietafel.open(fixture_id("tafel", data["datum"], thema.naam, nr), forum, thema, bevindingen, nu=nu)
            ingevoerd.tafels.append(tafel)
            if nr == 1:
                tafel.stel_prioritering_vast(rij["prioritering"], nu=nu)
                if rij["doelstelling"] is not None:
                    tafel.stel_doelstelling_vast(Doelstelling(**rij["doelstelling"]))
                for i, ap in enumerate(rij["actiepunten"], start=1):
                    ingevoerd.actiepunten.append(
                        tafel.voeg_actiepunt_toe(
                            fixture_id("actiepunt", data["datum"], thema.naam, i),
                            bevinding_id=tafel.bevinding(ap["bevinding"]).bevinding_id,
                            tekst=ap["tekst"],
                            adres_niveau=ActiepuntAdresNiveau(ap["adres_niveau"]),
                            eigenaar=ap["eigenaar"],
                            aangemaakt_op=datum,
                            nu=nu,
                        )
                    )
            tafel.rond_af(nu=nu)
    return ingevoerd


def voer_forum_2024_in(*, nu: dt.datetime) -> IngevoerdForum:
    """Enter :data:`FORUM_2024`."""
    return voer_forum_in(FORUM_2024, nu=nu)
